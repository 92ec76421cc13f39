export {
  accounts,
  accountsRelations,
  authenticators,
  authenticatorsRelations,
  sessions,
  sessionsRelations,
  uploads,
  uploadsRelations,
  users,
  usersRelations,
  verificationTokens,
} from "./tables.js";

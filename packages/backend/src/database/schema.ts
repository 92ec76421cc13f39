export {
  accounts,
  accountsRelations,
  authenticators,
  authenticatorsRelations,
  rateLimits,
  sessions,
  sessionsRelations,
  uploads,
  uploadsRelations,
  users,
  usersRelations,
  verificationTokens,
} from "./tables.js";

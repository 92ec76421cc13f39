import { createAccessControl, createAuth } from "@tetrastack/backend/auth";
import { authOptions } from "./auth.config";
import { db } from "./db";
import { sendEmail } from "./lib/mail";
import { deleteAllUploads } from "./lib/uploads";

/** The roles of this app's organizations: the built-in ones, with what they may do to projects. */
export const access = createAccessControl({
  statements: { project: ["create", "delete"] },
  roles: { member: { project: ["create"] }, admin: { project: ["create", "delete"] } },
});

export const {
  handlers,
  auth,
  signIn,
  signOut,
  getSession,
  getClientIP,
  requireUser,
  registerUser,
  listSessions,
  revokeSession,
  revokeOtherSessions,
  // Account lifecycle: each sends or consumes a one-time link, or needs a fresh sign-in.
  requestEmailVerification,
  verifyEmail,
  requestPasswordReset,
  resetPassword,
  changePassword,
  requestEmailChange,
  confirmEmailChange,
  deleteAccount,
  // API keys for scripts and servers (app/(app)/account/api-keys, app/api/v1/notes).
  createAPIKey,
  listAPIKeys,
  revokeAPIKey,
  verifyAPIKey,
  // Organizations (app/(app)/organizations, app/(app)/org, app/accept-invitation).
  createOrganization,
  deleteOrganization,
  listOrganizations,
  setActiveOrganization,
  requireMember,
  listMembers,
  updateMemberRole,
  removeMember,
  leaveOrganization,
  inviteMember,
  getInvitation,
  acceptInvitation,
  declineInvitation,
  revokeInvitation,
  listInvitations,
  listUserInvitations,
  listAuditEvents,
} = createAuth({
  ...authOptions,
  db,
  // The dev mailbox in development (and in the browser tests); plug a real provider into lib/mail.ts.
  sendEmail,
  // Origin of the links in mails. `pnpm dev` and the tests set APP_URL; in production set it (or AUTH_URL).
  baseURL: process.env.APP_URL || undefined,
  appName: "Tetrastack example",
  // Mail a verification link at sign-up, but let unverified users in (the dashboard nags them).
  emailVerification: { sendOnSignUp: Boolean(sendEmail), required: false },
  // Every member sees the organization's projects; members may create them, admins also delete.
  organizations: { access },
  accountDeletion: {
    // Stored files are not rows: delete them before the user (whose upload rows then cascade).
    async beforeDelete({ user }) {
      await deleteAllUploads(user.id);
    },
  },
});

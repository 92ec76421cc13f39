/** One email as `sendEmail` receives it. */
export interface EmailMessage {
  /** One recipient address (normalised). */
  to: string;
  subject: string;
  /** Plain-text body; every mail has one, with the link written out in full. */
  text: string;
  /** HTML body: a single column of text, the link as a real `<a>`, no images or scripts. */
  html: string;
}

/** Delivers one email (your provider's API, SMTP…). A rejection fails the flow that sent it. */
export type SendEmail = (message: EmailMessage) => Promise<void> | void;

/** What a template returns: the mail without its recipient. */
export type EmailContent = Omit<EmailMessage, "to">;

/** What a link mail's template receives. */
export interface LinkEmailParams {
  /** The recipient. */
  to: string;
  /** The one-time link; the only secret the mail may carry. */
  url: string;
  /** When the link stops working. */
  expires: Date;
  /** The `appName` option. */
  appName: string;
}

/** What the notice to the old address after an email change receives. */
export interface EmailChangedParams {
  /** The old address, which receives the notice. */
  to: string;
  previousEmail: string;
  newEmail: string;
  appName: string;
}

/** What the invitation to join an organization receives. */
export interface InvitationEmailParams extends LinkEmailParams {
  /** The organization's name. */
  organizationName: string;
  /** Who invited: their name, else their email; null when unknown. */
  inviterName: string | null;
  /** The role the invitee gets on accepting. */
  role: string;
}

/** A template: builds the subject and both bodies of one kind of mail. */
export type EmailTemplate<P> = (params: P) => EmailContent | Promise<EmailContent>;

/** Every mail `/auth` sends, by flow. */
export interface EmailTemplates {
  /** The link that verifies an address (sign-up, resend). */
  verifyEmail: EmailTemplate<LinkEmailParams>;
  /** The password-reset link. */
  resetPassword: EmailTemplate<LinkEmailParams>;
  /** The link, sent to the new address, that confirms an email change. */
  changeEmail: EmailTemplate<LinkEmailParams>;
  /**
   * For an account without a password: the link, sent to the current address, that approves an
   * email change before the new address is mailed.
   */
  approveEmailChange: EmailTemplate<LinkEmailParams>;
  /** The notice, sent to the old address, that the email was changed. */
  emailChanged: EmailTemplate<EmailChangedParams>;
  /** The link that confirms deleting the account. */
  deleteAccount: EmailTemplate<LinkEmailParams>;
  /** The sign-in link. */
  signInLink: EmailTemplate<LinkEmailParams>;
  /** The invitation to join an organization. */
  organizationInvitation: EmailTemplate<InvitationEmailParams>;
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** @internal Escapes text for HTML content and attribute values. */
export function escapeHTML(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

/** @internal "24 hours", "1 hour", "10 minutes": how long a link lasts, from now. */
export function describeLifetime(expires: Date, now = Date.now()): string {
  const minutes = Math.max(1, Math.round((expires.getTime() - now) / 60_000));
  if (minutes % 60 !== 0) return minutes === 1 ? "1 minute" : `${minutes} minutes`;
  const hours = minutes / 60;
  return hours === 1 ? "1 hour" : `${hours} hours`;
}

interface Layout {
  subject: string;
  /** Paragraphs before the link. */
  intro: string[];
  /** The link's text (a link mail) or none (a notice). */
  action?: { label: string; url: string };
  /** Paragraphs after the link. */
  outro: string[];
}

/**
 * @internal Plain, accessible mail: one language-tagged column, real text (no image-only
 * buttons), the link as an `<a>` with a descriptive label and again as text for clients that
 * strip links, sizes in relative units, no tracking, no script.
 */
export function renderEmail(layout: Layout): EmailContent {
  const text = [
    ...layout.intro,
    ...(layout.action ? [`${layout.action.label}:\n${layout.action.url}`] : []),
    ...layout.outro,
  ].join("\n\n");
  const paragraph = (content: string): string => `<p style="margin:0 0 1em">${escapeHTML(content)}</p>`;
  const action = layout.action
    ? `<p style="margin:0 0 1em"><a href="${escapeHTML(layout.action.url)}" style="font-weight:bold">${escapeHTML(layout.action.label)}</a></p>` +
      `<p style="margin:0 0 1em;font-size:0.9em">If the link does not open, copy this address into your browser:<br>${escapeHTML(layout.action.url)}</p>`
    : "";
  const html =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
    `<title>${escapeHTML(layout.subject)}</title></head>` +
    `<body style="margin:0;padding:1.5em;font-family:system-ui,sans-serif;font-size:1rem;line-height:1.5;color:#111;background:#fff">` +
    `<main style="max-width:36em">${layout.intro.map(paragraph).join("")}${action}${layout.outro.map(paragraph).join("")}</main>` +
    `</body></html>`;
  return { subject: layout.subject, text, html };
}

const ignore = "If you did not ask for this, you can ignore this email; nothing will change.";

/**
 * The default templates: short, plain and accessible; each carries the one-time link and nothing
 * else secret. Replace one per flow (e.g. `passwordReset.template`), or wrap one to add your
 * branding.
 *
 * @example
 * passwordReset: { template: async (p) => ({ ...(await defaultEmailTemplates.resetPassword(p)), subject: "Reset" }) }
 */
export const defaultEmailTemplates: Readonly<EmailTemplates> = Object.freeze({
  verifyEmail: ({ url, expires, appName }: LinkEmailParams) =>
    renderEmail({
      subject: `Verify your email for ${appName}`,
      intro: [`Confirm that this is your email address for ${appName}.`],
      action: { label: "Verify your email address", url },
      outro: [
        `The link works once and expires in ${describeLifetime(expires)}.`,
        "If you did not create an account, you can ignore this email.",
      ],
    }),
  resetPassword: ({ url, expires, appName }: LinkEmailParams) =>
    renderEmail({
      subject: `Reset your ${appName} password`,
      intro: [`Someone asked to reset the password of your ${appName} account.`],
      action: { label: "Choose a new password", url },
      outro: [
        `The link works once and expires in ${describeLifetime(expires)}. Resetting signs you out everywhere.`,
        ignore,
      ],
    }),
  changeEmail: ({ url, expires, appName }: LinkEmailParams) =>
    renderEmail({
      subject: `Confirm your new email for ${appName}`,
      intro: [`Confirm that you want to use this address for your ${appName} account.`],
      action: { label: "Confirm the new email address", url },
      outro: [`The link works once and expires in ${describeLifetime(expires)}.`, ignore],
    }),
  approveEmailChange: ({ url, expires, appName }: LinkEmailParams) =>
    renderEmail({
      subject: `Approve changing your ${appName} email`,
      intro: [
        `Someone signed in to your ${appName} account asked to move it to another email address.`,
        "Approve it only if it was you: the new address then gets a link to confirm it.",
      ],
      action: { label: "Approve the email change", url },
      outro: [`The link works once and expires in ${describeLifetime(expires)}.`, ignore],
    }),
  emailChanged: ({ previousEmail, newEmail, appName }: EmailChangedParams) =>
    renderEmail({
      subject: `Your ${appName} email was changed`,
      intro: [
        `The email address of your ${appName} account was changed from ${previousEmail} to ${newEmail}.`,
        `You will no longer receive account emails here. If you did not make this change, contact ${appName} support at once.`,
      ],
      outro: [],
    }),
  deleteAccount: ({ url, expires, appName }: LinkEmailParams) =>
    renderEmail({
      subject: `Confirm deleting your ${appName} account`,
      intro: [`Someone asked to delete your ${appName} account. Deleting it removes your data and cannot be undone.`],
      action: { label: "Review and confirm the deletion", url },
      outro: [`The link works once and expires in ${describeLifetime(expires)}.`, ignore],
    }),
  signInLink: ({ url, expires, appName }: LinkEmailParams) =>
    renderEmail({
      subject: `Sign in to ${appName}`,
      intro: [`Use this link to sign in to ${appName}.`],
      action: { label: `Sign in to ${appName}`, url },
      outro: [`The link works once and expires in ${describeLifetime(expires)}.`, ignore],
    }),
  organizationInvitation: ({ url, expires, appName, organizationName, inviterName, role }: InvitationEmailParams) =>
    renderEmail({
      subject: `Join ${organizationName} on ${appName}`,
      intro: [
        `${inviterName ?? "A member"} invited you to join ${organizationName} on ${appName} as ${role === "admin" || role === "owner" ? "an" : "a"} ${role}.`,
        `Sign in (or create an account) with this email address, then accept the invitation.`,
      ],
      action: { label: `Open the invitation to ${organizationName}`, url },
      outro: [
        `The invitation expires in ${describeLifetime(expires)}.`,
        "If you do not want to join, you can ignore this email or decline the invitation.",
      ],
    }),
});

import type { ReactNode } from "react";

// Next requires a root layout; this app serves only /api/v1/*.
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}

// Sections of an earlier RESULTS.md that a run with --only did not measure: kept as they were
// written, so a run of one section does not wipe the figures of the others. Their figures are
// the earlier run's, and the header says so.

/** A section of an earlier report: its title, its Markdown below the heading, its target rows. */
export interface KeptSection {
  title: string;
  body: string;
  /** The rows of its tables that carry a target (for the Targets table), deduplicated. */
  targets: string[];
}

/** An earlier report: when it ran, whether it was a quick run, and its sections. */
export interface PreviousReport {
  date: string | null;
  quick: boolean;
  sections: KeptSection[];
}

const HEADING = /^## \d+\. (.+)$/;
const TARGET_ROW = /^\|.*: \*\*(met|not met)\*\* \|$/;

/** Parses a RESULTS.md as main.ts writes it. */
export function parsePreviousReport(markdown: string): PreviousReport {
  const lines = markdown.split("\n");
  const sections: KeptSection[] = [];
  let current: { title: string; lines: string[] } | null = null;
  const close = () => {
    if (!current) return;
    const body = current.lines.join("\n").trim();
    const targets = [...new Set(current.lines.filter((line) => TARGET_ROW.test(line)))];
    sections.push({ title: current.title, body, targets });
    current = null;
  };
  for (const line of lines) {
    const heading = HEADING.exec(line);
    if (heading) {
      close();
      current = { title: heading[1] ?? "", lines: [] };
    } else if (line.startsWith("## ")) {
      close();
    } else {
      current?.lines.push(line);
    }
  }
  close();
  return {
    date: /^- Date: (.+)$/m.exec(markdown)?.[1]?.trim() ?? null,
    quick: markdown.includes("**Quick run (`--quick`)"),
    sections,
  };
}

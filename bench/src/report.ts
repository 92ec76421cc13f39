import type { Stats } from "./harness.js";

/** Units the report knows how to print. */
export type Unit = "req/s" | "ops/s" | "ms" | "×" | "%" | "rows" | "s";

/** One measured figure: median, min and max over the rounds. */
export interface Figure {
  name: string;
  unit: Unit;
  stats: Stats;
  /** A target this figure is held to, and whether it was met. */
  target?: Target;
  note?: string;
}

/** A target from the issue: its wording and whether the median met it. */
export interface Target {
  text: string;
  met: boolean;
}

/** A part of the report: one topic of the issue. */
export interface Section {
  title: string;
  /** What was measured and how, in a sentence or two. */
  method: string;
  figures: Figure[];
  /** Ratios, each measured per round within the same run. */
  ratios: Figure[];
  /** Interpretation: what the figures mean, why a target is met or not. */
  notes: string[];
  /** Tables that are not figures (counts), printed after the figures. */
  tables?: Table[];
}

/** A plain table: a title, column names, rows of cells. */
export interface Table {
  title: string;
  columns: string[];
  rows: string[][];
}

/** A Markdown table of a {@link Table}. */
export function markdownCells(table: Table): string {
  return [
    `| ${table.columns.join(" | ")} |`,
    `| ${table.columns.map((_, index) => (index === 0 ? "---" : "---:")).join(" | ")} |`,
    ...table.rows.map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");
}

export function formatValue(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return "–";
  switch (unit) {
    case "req/s":
    case "ops/s":
      return value >= 10_000
        ? `${(value / 1000).toFixed(1)} k`
        : value >= 1000
          ? `${(value / 1000).toFixed(2)} k`
          : value.toFixed(0);
    case "ms":
      return value < 1 ? value.toFixed(3) : value < 10 ? value.toFixed(2) : value.toFixed(1);
    case "×":
      return `${value.toFixed(2)}×`;
    case "%":
      return `${value.toFixed(1)} %`;
    case "s":
      return value.toFixed(1);
    case "rows":
      return value.toLocaleString("en-US");
  }
}

/** Whether the median meets `min` (`at least`) or `max` (`under`). */
export function target(text: string, value: number, bound: { atLeast?: number; under?: number }): Target {
  const met =
    (bound.atLeast === undefined || value >= bound.atLeast) && (bound.under === undefined || value < bound.under);
  return { text, met };
}

/** The sections of this run, in order, and the two ways of printing them. */
export class Report {
  readonly sections: Section[] = [];

  add(section: Section): Section {
    this.sections.push(section);
    return section;
  }

  /** Every figure and ratio as one table for the terminal. */
  consoleRows(): Record<string, string>[] {
    const rows: Record<string, string>[] = [];
    this.sections.forEach((section, index) => {
      for (const figure of [...section.figures, ...section.ratios]) {
        rows.push({
          section: `${index + 1}`,
          measurement: figure.name,
          median: formatValue(figure.stats.median, figure.unit),
          min: formatValue(figure.stats.min, figure.unit),
          max: formatValue(figure.stats.max, figure.unit),
          unit: figure.unit,
          target: figure.target ? `${figure.target.text}: ${figure.target.met ? "met" : "NOT met"}` : "",
        });
      }
    });
    return rows;
  }

  /** Every ratio or figure that carries a target. */
  targets(): Figure[] {
    return this.sections.flatMap((section) =>
      [...section.figures, ...section.ratios].filter((figure) => figure.target),
    );
  }
}

/** A Markdown table of figures. */
export function markdownTable(figures: readonly Figure[]): string {
  const lines = ["| measurement | median | min | max | unit | target |", "| --- | ---: | ---: | ---: | --- | --- |"];
  for (const figure of figures) {
    const goal = figure.target ? `${figure.target.text}: **${figure.target.met ? "met" : "not met"}**` : "";
    const name = figure.note ? `${figure.name} (${figure.note})` : figure.name;
    lines.push(
      `| ${name} | ${formatValue(figure.stats.median, figure.unit)} | ${formatValue(figure.stats.min, figure.unit)} | ${formatValue(figure.stats.max, figure.unit)} | ${figure.unit} | ${goal} |`,
    );
  }
  return lines.join("\n");
}

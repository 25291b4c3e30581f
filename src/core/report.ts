/**
 * `Report` is the only way library code speaks to the user. The CLI renders it (text or
 * `--json`, progress only on a TTY); tests collect it with `collectingReport()`.
 */
export interface Report {
  /** A line of information for humans ("already initialized"). */
  info(message: string): void;
  /** Something the user should know that does not stop the command. */
  warn(code: string, message: string): void;
  /** Progress of long work: `done` of `total` (unknown total when omitted). */
  progress(task: string, done: number, total?: number): void;
}

export interface CollectedEvent {
  readonly kind: "info" | "warn" | "progress";
  readonly code?: string;
  readonly message: string;
}

export interface CollectingReport extends Report {
  readonly events: CollectedEvent[];
}

export function collectingReport(): CollectingReport {
  const events: CollectedEvent[] = [];
  return {
    events,
    info: (message) => events.push({ kind: "info", message }),
    warn: (code, message) => events.push({ kind: "warn", code, message }),
    progress: (task, done, total) =>
      events.push({ kind: "progress", message: `${task} ${done}/${total ?? "?"}` }),
  };
}

/** A report that drops everything (library calls that have nothing to say). */
export const silentReport: Report = { info() {}, warn() {}, progress() {} };

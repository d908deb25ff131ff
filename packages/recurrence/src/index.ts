export {
  type GapPolicy,
  isTimeZone,
  type LocalParts,
  localMinutes,
  localParts,
  type NextLocalTimeOptions,
  nextLocalTime,
  parseHHMM,
  pickZone,
  zonedTime,
} from "./local-time.ts";
export { latestDue, nextRun, type RunWindow, runWindowOf, type ScheduleTiming } from "./next-run.ts";
export {
  FREQUENCIES,
  type Frequency,
  MAX_INTERVAL,
  nextOccurrence,
  type RecurrenceRule,
  type RuleProblem,
  ruleProblems,
  WEEKDAY_NAMES,
  type WeekdayName,
} from "./recurrence.ts";

export { type Herald, type StartHeraldOptions, startHerald } from "./start-herald.ts";

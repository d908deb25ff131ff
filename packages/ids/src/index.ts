export { ID_PREFIXES, type IdPrefix, idTime, isId, newId } from "./ids.ts";

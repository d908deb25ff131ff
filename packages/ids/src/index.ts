export { ID_PREFIXES, type IdPrefix, idFloor, idTime, isId, newId } from "./ids.ts";

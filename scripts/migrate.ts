import { createDb, migrateDatabase, pendingMigrations } from "@herald/db";

/**
 * `npm run db:migrate`: applies the committed migrations to `DATABASE_URL`,
 * for deployments that start their processes with `MIGRATE_ON_START=false`
 * (a release step before the rollout). Safe beside running processes: the
 * migration takes the same advisory lock they do.
 */
const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set: point it at the PostgreSQL database to migrate.");
  process.exit(78);
}
const db = createDb(url, { max: 1 });
try {
  const before = await pendingMigrations(db.sql);
  await migrateDatabase(url);
  console.info(
    before === 0 ? "The schema was current: nothing to apply." : `Applied ${before} migration(s).`,
  );
} catch (err) {
  console.error(`Migration failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await db.close();
}

import { PRIORITY_RANK } from "@herald/domain";
import { testQueuePrefix, testRedisUrl } from "@herald/testkit";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createQueues } from "./queues.ts";

const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
const queues = createQueues(connection, testQueuePrefix());
afterAll(async () => {
  await Promise.all(queues.all().map((q) => q.obliterate({ force: true })));
  await queues.close();
  connection.disconnect();
});

const critical = { priority: PRIORITY_RANK.critical };
const normal = { priority: PRIORITY_RANK.normal };

describe("queue lanes", () => {
  it("puts critical jobs of the routing and channel queues in their critical lane", async () => {
    await queues.add("events", "route", { eventId: "evt_c" }, { jobId: "evt_c", ...critical });
    await queues.add("events", "route", { eventId: "evt_n" }, { jobId: "evt_n", ...normal });
    await queues.addBulk("sms", [
      { name: "send", data: { notificationId: "ntf_c" }, opts: { jobId: "ntf_c", ...critical } },
      { name: "send", data: { notificationId: "ntf_n" }, opts: { jobId: "ntf_n", ...normal } },
      { name: "send", data: { notificationId: "ntf_d" }, opts: { jobId: "ntf_d" } },
    ]);
    expect(await queues.get("events", "critical").getJobState("evt_c")).toBe("prioritized");
    expect(await queues.get("events").getJobState("evt_c")).toBe("unknown");
    expect(await queues.get("events").getJobState("evt_n")).toBe("prioritized");
    expect((await queues.get("sms", "critical").getJobs(["prioritized"])).map((j) => j.id)).toEqual([
      "ntf_c",
    ]);
    expect((await queues.get("sms").getJobs(["prioritized", "waiting"])).map((j) => j.id).sort()).toEqual([
      "ntf_d",
      "ntf_n",
    ]);
  });

  it("keeps queues without lanes whole", async () => {
    await queues.add("digest", "flush", { digestId: "dig_1" }, { jobId: "dig_1", ...critical });
    expect(queues.get("digest", "critical")).toBe(queues.get("digest"));
    expect(queues.lanes("digest")).toHaveLength(1);
    expect(await queues.get("digest").getJobState("dig_1")).toBe("prioritized");
  });

  it("finds a job in either lane, its own first", async () => {
    expect((await queues.find("events", "evt_c", PRIORITY_RANK.critical))?.id).toBe("evt_c");
    // Asked with another priority (a job enqueued before lanes, or its row's priority unknown): still found.
    expect((await queues.find("events", "evt_c"))?.id).toBe("evt_c");
    expect((await queues.find("events", "evt_n", PRIORITY_RANK.critical))?.id).toBe("evt_n");
    expect(await queues.find("events", "evt_none")).toBeUndefined();

    const found = await queues.locate("sms", "ntf_c");
    expect(found.queue).toBe(queues.get("sms", "critical"));
    expect(found.state).toBe("prioritized");
    const missing = await queues.locate("sms", "ntf_none", PRIORITY_RANK.critical);
    expect(missing).toEqual({ queue: queues.get("sms", "critical"), state: "unknown" });
  });

  it("keeps a producer's critical jobs in the normal lane of a queue it leaves out", async () => {
    const limited = createQueues(connection, queues.prefix, { criticalLanes: ["events", "sms"] });
    try {
      await limited.add("email", "send", { notificationId: "ntf_e" }, { jobId: "ntf_e", ...critical });
      await limited.add("sms", "send", { notificationId: "ntf_s" }, { jobId: "ntf_s", ...critical });
      expect(await queues.get("email").getJobState("ntf_e")).toBe("prioritized");
      expect(await queues.get("sms", "critical").getJobState("ntf_s")).toBe("prioritized");
      // Found wherever it is, by either producer.
      expect((await queues.find("email", "ntf_e", PRIORITY_RANK.critical))?.id).toBe("ntf_e");
      expect((await limited.locate("email", "ntf_e", PRIORITY_RANK.critical)).queue).toBe(
        limited.get("email"),
      );
    } finally {
      await limited.close();
    }
  });

  it("lists every lane for Bull Board", () => {
    const names = queues.all().map((q) => q.name);
    expect(names).toContain("{events}");
    expect(names).toContain("{events_critical}");
    expect(names).toContain("{in_app_critical}");
    expect(names).not.toContain("{digest_critical}");
  });
});

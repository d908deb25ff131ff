import type { Job } from "bullmq";
import { describe, expect, it } from "vitest";
import { cutOffBefore, markPutBack } from "./put-back-mark.ts";

const jobOf = (data: Record<string, unknown>, attemptsMade: number, stalledCounter = 0) => {
  const job = { id: "ntf_1", data, attemptsMade, stalledCounter } as unknown as Job;
  job.updateData = async (next: unknown) => {
    job.data = next;
  };
  return job;
};

describe("cutOffBefore", () => {
  it("a job whose worker died is taken over, whatever its data", () => {
    expect(cutOffBefore(jobOf({ notificationId: "ntf_1" }, 2, 1))).toBe("taken-over");
  });

  it("a put-back mark counts only at the attempt it was set at", () => {
    expect(cutOffBefore(jobOf({ notificationId: "ntf_1" }, 0))).toBeNull();
    expect(cutOffBefore(jobOf({ notificationId: "ntf_1", putBackAt: 1 }, 1))).toBe("put-back");
    // An attempt failed since: the notes were recorded on the row, nothing to read.
    expect(cutOffBefore(jobOf({ notificationId: "ntf_1", putBackAt: 1 }, 2))).toBeNull();
  });
});

describe("markPutBack", () => {
  it("keeps the job's data, adds its attempt count, and writes nothing when marked already", async () => {
    const job = jobOf({ notificationIds: ["ntf_1"], priorAttempts: 1 }, 1);
    await markPutBack(job, console);
    expect(job.data).toEqual({ notificationIds: ["ntf_1"], priorAttempts: 1, putBackAt: 1 });
    job.updateData = () => Promise.reject(new Error("written again"));
    await markPutBack(job, { warn: () => expect.unreachable() });
  });

  it("a refused write is logged, not thrown: the put-back goes ahead", async () => {
    const job = jobOf({ notificationId: "ntf_1" }, 0);
    job.updateData = () => Promise.reject(new Error("Connection is closed."));
    const warned: unknown[][] = [];
    await markPutBack(job, { warn: (...args: unknown[]) => void warned.push(args) });
    expect(warned).toEqual([
      [{ jobId: "ntf_1", err: "Connection is closed." }, expect.stringContaining("re-run")],
    ]);
  });
});

// The webhook sink as its own process, so the load generator and the sink do not share one core's
// event loop (that made the benchmark measure itself). Talks to the parent over IPC.
import { startBenchSink } from "./sink";

const auth = process.env.BENCH_SINK_AUTH ? JSON.parse(process.env.BENCH_SINK_AUTH) : undefined;
const sink = await startBenchSink(auth);
process.send!({ url: sink.url });
process.on("message", async (m: { cmd: string }) => {
  if (m.cmd === "report") {
    process.send!({ duplicates: sink.duplicates(), cpu: process.cpuUsage() });
    await sink.close();
    process.exit(0);
  }
});

// V8 settings for a relay under bursts, set before anything else is loaded.
//
// Allocation-site pretenuring: when most objects from one allocation site survive a young-generation
// collection, V8 starts allocating that site's objects directly in the old generation. A burst of
// presses (a relay starting under load, a webhook server that stalls for a second) keeps thousands of
// actions in flight, so the sites of the press path (its promises, request objects, timers) get
// pretenured, and from then on every press leaves its short-lived objects in the old generation:
// measured at 2000 presses/s, young collections took 5-9 ms instead of 1-2 ms and the heap grew to
// 150 MB between full collections. Without pretenuring the heap stays near 80 MB.
import { setFlagsFromString } from "node:v8";

setFlagsFromString("--no-allocation-site-pretenuring");

// Heap growth: after a full collection V8 lets the old generation grow to up to 4x the live size
// before the next one, and under a sustained flood of presses it chose the high end: at 8000/s
// (backpressure holding the live set near 35 MB) the heap reached 140 MB of mostly garbage and the
// relay 252 MB RSS. Growing by 1.5x at most keeps it near 90 MB (peak RSS 169 MB), for a few more
// incremental major collections (tens of ms each, mostly off the main thread).
setFlagsFromString("--heap-growing-percent=50");

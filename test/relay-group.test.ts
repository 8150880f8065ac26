// The relay's end-to-end suite, run against a group: two relays taking presses from mosquitto as
// members of one shared subscription, with one PostgreSQL store. Whichever relay gets a press
// fires it, once, and the device hears one result.
import { asyncSuite } from "./support/async-suite";
import { loopSuite, duplicateSuite } from "./support/loop-suite";
import { notPressedSuite } from "./support/not-pressed-suite";

loopSuite("group").run();
duplicateSuite("group").run();
asyncSuite("group").run();
notPressedSuite("group").run();

import { loopSuite, duplicateSuite } from "./support/loop-suite";

loopSuite("embedded").run();
duplicateSuite("embedded").run();

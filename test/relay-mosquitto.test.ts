import { loopSuite, duplicateSuite } from "./support/loop-suite";

loopSuite("mosquitto").run();
duplicateSuite("mosquitto").run();

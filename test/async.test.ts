import { asyncSuite } from "./support/async-suite";

asyncSuite("embedded").run();

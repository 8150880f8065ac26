import { notPressedSuite } from "./support/not-pressed-suite";

notPressedSuite("embedded").run();

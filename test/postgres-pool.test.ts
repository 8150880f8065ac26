// The PostgreSQL store's connections when the server goes away at the worst moment: between two
// statements of a transaction, when nobody waits on the connection. node-postgres then emits an
// error on it; unheard, that error would end the relay's process.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { openPool, withClient } from "../relay/src/store/postgres/pool";
import { startPostgres, Postgres } from "./support/postgres";
import { sleep } from "./support/temp";

let pg: Postgres;
test.before(async () => {
  pg = await startPostgres();
});
test.after(async () => pg?.stop());

test("the server killed between two statements of a transaction: the transaction fails, the process lives, the pool recovers", async () => {
  const pool = openPool(pg.url, { relayId: "pool-test", poolSize: 2 });
  try {
    const failed = await withClient(pool, async (client) => {
      await client.query("BEGIN");
      await pg.kill();
      await sleep(300); // the connection's error arrives now, while no statement runs
      await client.query("COMMIT");
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    assert.ok(failed instanceof Error, "the transaction failed");
    await pg.restart();
    let answer: unknown;
    for (let i = 0; i < 50 && answer === undefined; i++) {
      answer = await pool.query("SELECT 1 AS one").then(
        (r) => r.rows[0].one,
        () => undefined,
      );
      if (answer === undefined) await sleep(100);
    }
    assert.is(answer, 1, "the pool makes new connections once the server is back");
  } finally {
    await pool.end();
  }
});

test.run();

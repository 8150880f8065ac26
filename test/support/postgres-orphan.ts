// Starts a PostgreSQL server, says on stdout where it is, and waits to be killed without any cleanup
// (SIGKILL): the test then checks that the server does not outlive its test process.
import { serverProcesses, startPostgres } from "./postgres";

const pg = await startPostgres();
process.stdout.write(JSON.stringify(await serverProcesses(pg.url)) + "\n");
setTimeout(() => {}, 30_000); // a bound, in case nobody kills us

// Match worker: holds the decoded captures and the diff (src/worker-api/match-service.ts)
// and answers the UI with one page or one packet at a time.
import * as Comlink from "comlink";
import { MatchService } from "../src/worker-api/match-service";

Comlink.expose(new MatchService());

/**
 * @module ab-args
 * The command line of the A/B benches (`bench:connect`, `bench:batch`): a comma-separated list
 * of checkouts first, then `--flag value` pairs. Counts must be positive integers; list flags
 * take comma-separated values. Anything else is refused with the usage line.
 */
import { resolve } from "node:path";

/** `{ dirs, ...defaults }` with each `--count N` and `--list a,b` given in `argv` applied. */
export function parseAbArgs(argv, { usage, defaults, counts, lists = [] }) {
  const [dirs, ...rest] = argv;
  if (!dirs || dirs.startsWith("--")) throw new Error(`usage: ${usage}`);
  const options = { ...defaults, dirs: dirs.split(",").map((dir) => resolve(dir)) };
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i], rest[i + 1]];
    const name = flag.slice(2);
    if (lists.includes(name) && value) options[name] = value.split(",");
    else if (counts.includes(name) && Number.isInteger(Number(value)) && Number(value) > 0) options[name] = Number(value);
    else throw new Error(`unknown or bad option ${flag} ${value ?? ""}\nusage: ${usage}`);
  }
  return options;
}

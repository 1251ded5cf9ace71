// A relay started as its own process (`hkubectl relay …`) is ready once it prints where it listens.
import type { ChildProcess } from 'node:child_process';

/** The URL the relay child prints in its "listening on <url>" line; rejects if it exits first. */
export function relayUrlOf(child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /listening on (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`relay exited ${code}`)));
  });
}

// GET …/pods/<name>/log: what the pod's container printed, with kubectl's container, tailLines,
// limitBytes and follow parameters.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from './object.ts';
import type { LogSource } from './rest.ts';
import type { PodRuntime } from './runtime.ts';
import { badRequest } from './status.ts';

export function logSource(runtime: PodRuntime): LogSource {
  return {
    serve(req: IncomingMessage, res: ServerResponse, pod: KubeObject, query: URLSearchParams) {
      const names = ((pod.spec?.containers ?? []) as { name: string }[]).map((c) => c.name);
      const container = query.get('container') ?? (names.length === 1 ? names[0] : undefined);
      if (!container) throw badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(' ')}]`);
      if (!names.includes(container)) throw badRequest(`container ${container} is not valid for pod ${pod.metadata.name}`);
      if (query.get('previous') === 'true') throw badRequest(`previous terminated container "${container}" in pod "${pod.metadata.name}" not found`);
      const log = runtime.log(pod, container);
      if (!log) throw badRequest(`container "${container}" in pod "${pod.metadata.name}" is waiting to start: ContainerCreating`);

      let text = log.text;
      const tail = query.get('tailLines');
      if (tail !== null && Number(tail) >= 0) {
        const lines = text.split('\n');
        const trailing = text.endsWith('\n') ? lines.pop() : undefined;
        text = lines.slice(Math.max(0, lines.length - Number(tail))).join('\n') + (trailing !== undefined && Number(tail) > 0 ? '\n' : '');
      }
      const limit = Number(query.get('limitBytes'));
      if (limit > 0) text = Buffer.from(text).subarray(0, limit).toString('utf8');
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-cache, private' });
      res.write(text);
      if (query.get('follow') !== 'true') {
        res.end();
        return;
      }
      const follower = (chunk: string | null) => (chunk === null ? res.end() : res.write(chunk));
      log.followers.add(follower);
      const stop = () => log.followers.delete(follower);
      res.on('close', stop);
      req.on('close', stop);
    },
  };
}

// An agent that writes terminal control sequences into everything it controls (reason, argv,
// agent name) must not take over the screens of the people who read it: the approver's inbox on a
// real pseudo-terminal, the listing, status, the approve confirmation, `audit log` and
// `audit sessions`. What the terminal is sent holds none of the agent's sequences; what the
// person reads spells them out beside the real requester, command and rule.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../src/relay/server/server.ts';
import type { AllowAnswer, ApproveAnswer } from '../../src/contract/relay-api.ts';
import { hkubectl } from '../helpers/run.ts';
import { terminal } from './inbox-terminal.ts';
import { startWorld, type Person, type World } from './fixtures.ts';

let world: World;
let relay: Relay;
beforeAll(async () => {
  world = await startWorld();
  relay = await world.relay();
});
afterAll(async () => {
  await world?.close();
});

const envFor = (person: Person): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH, HOME: world.configDirs[person], HKUBECTL_CONFIG_DIR: world.configDirs[person], HKUBECTL_RELAY: relay.url, TERM: 'xterm-256color',
});

const ESC = '\x1b';
const BEL = '\x07';
// Wipe the screen, home the cursor and write a fake verdict; set the window title; emit a link.
const hostileReason =
  `${ESC}[2J${ESC}[H risk 0/100: harmless\n${ESC}]0;all clear${BEL}${ESC}]8;;https://evil.example/${BEL}details${ESC}]8;;${BEL} \u202egnp.exe \u009b2J \u009d2;t\u009c`;
const hostileName = `web-1${ESC}]52;c;cm0gLXJmIC8=${BEL}`;
const hostileAgent = `claude\u200b${ESC}[8m`;

/** Every sequence the agent sent, in any of its forms: none of them may reach a terminal. */
const AGENT_SEQUENCES = [`${ESC}[2J`, `${ESC}[H`, `${ESC}]`, `${ESC}[8m`, '\u202e', '\u200b', '\u009b', '\u009d', '\u009c'];

function expectNothingActs(raw: string): void {
  for (const sequence of AGENT_SEQUENCES) expect(raw, JSON.stringify(sequence)).not.toContain(sequence);
}

describe('an agent writing control sequences into a request', () => {
  it('cannot wipe, retitle or forge the approver\'s inbox: its sequences are spelt out beside the real requester, command and rule', async () => {
    const agent = world.client(relay, 'agent-7');
    const asked = await agent.submit({ argv: ['delete', 'pod', hostileName, '-n', 'prod'], context: 'prod-eu', reason: hostileReason, agent: hostileAgent }) as ApproveAnswer;
    expect(asked.decision).toBe('approve');

    const inbox = terminal(['approvals'], envFor('alice'));
    await inbox.waitFor(/Pending approvals \(1\)/);
    await inbox.waitFor(/risk\s+\d+\/100: verb \+\d+/);
    const text = inbox.text();
    expect(text).toContain('agent-7 (claude\\u200b\\x1b[8m)');
    expect(text).toContain("kubectl delete pod $'web-1\\x1b]52;c;cm0gLXJmIC8=\\x07' -n prod");
    expect(text).toMatch(/\n\S*rule\S*\s+writes-in-production: /);
    expect(text).toContain('reason    "\\x1b[2J\\x1b[H risk 0/100: harmless\\n\\x1b]0;all clear\\x07\\x1b]8;;https://evil.example/\\x07details\\x1b]8;;\\x07 \\u202egnp.exe \\x9b2J \\x9d2;t\\x9c"');
    // The fake verdict is part of the quoted reason, never a line of its own.
    for (const line of text.split(/\r?\n/).filter((candidate) => candidate.includes('risk 0/100'))) expect(line).toMatch(/reason\s+"\\x1b\[2J\\x1b\[H risk 0\/100: harmless\\n/);

    inbox.term.write('\r');
    await inbox.waitFor(/Approve[\s\S]*Deny/);
    inbox.term.write('\r');
    let mark = inbox.mark();
    await inbox.waitFor(/Why do you approve it\?/, mark);
    mark = inbox.mark();
    inbox.term.write('checked the pod name byte by byte\r');
    await inbox.waitFor(/approved by alice: checked the pod name byte by byte — request /, mark);
    inbox.term.write('\x03');
    inbox.term.kill();
    await inbox.exited;
    expectNothingActs(inbox.raw());

    const listing = await hkubectl(['approvals'], { env: envFor('bob') });
    expect(listing.code).toBe(0);
    expect(listing.stdout.toString()).toBe('');

    const status = await hkubectl(['approvals', 'status', asked.requestId], { env: envFor('agent-7') });
    expect(status.code).toBe(0);
    expectNothingActs(status.stdout.toString());
    expect(status.stdout.toString()).toContain("command: kubectl delete pod $'web-1\\x1b]52;c;cm0gLXJmIC8=\\x07' -n prod");
    expect(status.stdout.toString()).toContain('reason: "\\x1b[2J\\x1b[H risk 0/100: harmless\\n');

    const json = await hkubectl(['approvals', 'status', asked.requestId, '-o', 'json'], { env: envFor('agent-7') });
    expectNothingActs(json.stdout.toString());
    expect(JSON.parse(json.stdout.toString())).toMatchObject({ reason: hostileReason, agent: hostileAgent, argv: ['delete', 'pod', hostileName, '-n', 'prod'] });

    const used = await agent.submit({ argv: ['delete', 'pod', hostileName, '-n', 'prod'], context: 'prod-eu', reason: hostileReason, agent: hostileAgent }) as AllowAnswer;
    expect(used.decision).toBe('allow');

    const log = await hkubectl(['audit', 'log', '--relay', relay.url], { env: envFor('alice') });
    expect(log.code).toBe(0);
    expectNothingActs(log.stdout.toString());
    expect(log.stdout.toString()).toMatch(/decision\s+APPROVE\s+agent-7: kubectl delete pod \$'web-1\\x1b\]52;c;cm0gLXJmIC8=\\x07' -n prod .*reason "\\x1b\[2J\\x1b\[H risk 0\/100/);

    const sessions = await hkubectl(['audit', 'sessions', '--relay', relay.url, '--state', 'all'], { env: envFor('alice') });
    expect(sessions.code).toBe(0);
    expectNothingActs(sessions.stdout.toString());
    expect(sessions.stdout.toString()).toContain(`${used.sessionId}  agent-7: kubectl delete pod $'web-1\\x1b]52;c;cm0gLXJmIC8=\\x07' -n prod`);
  });

  it('cannot act on the approver\'s terminal through the listing or the approve and deny confirmations', async () => {
    const agent = world.client(relay, 'agent-7');
    const asked = await agent.submit({ argv: ['scale', 'deploy/api', '--replicas=0', '-n', 'prod'], reason: hostileReason, agent: hostileAgent }) as ApproveAnswer;
    const listing = await hkubectl(['approvals'], { env: envFor('bob') });
    expectNothingActs(listing.stdout.toString());
    expect(listing.stdout.toString()).toContain(`${asked.requestId}\tagent-7\tprod\tkubectl scale deploy/api --replicas=0 -n prod\n`);

    const denied = await hkubectl(['deny', asked.requestId, '--reason', `no${ESC}]0;t${BEL}`], { env: envFor('bob') });
    expect(denied.code).toBe(0);
    expect(denied.stdout.toString()).toBe(`request ${asked.requestId} denied by bob: no\\x1b]0;t\\x07\n`);
    const status = await hkubectl(['approvals', 'status', asked.requestId], { env: envFor('agent-7') });
    expect(status.code).toBe(77);
    expectNothingActs(status.stderr.toString());
    expect(status.stderr.toString()).toMatch(/^hkubectl: request \S+ was denied by bob: no\\x1b\]0;t\\x07/);
  });
});

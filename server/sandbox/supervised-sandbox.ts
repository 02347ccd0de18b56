// A running supervisor seen from the host: the Sandbox every launcher returns. It speaks the channel
// protocol and distrusts the other end (the supervisor shares its sandbox with the learner's code):
// every control message is validated, and a broken one ends the sandbox.
import type { ChildProcess } from 'node:child_process';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import type { AppState } from '../contracts/api.ts';
import type { LabAnswer } from '../contracts/lab-command.ts';
import { hostMessageSchema, supervisorMessageSchema, type HostMessage, type SupervisorMessage } from '../contracts/supervisor.ts';
import { clampSize } from '../contracts/terminal.ts';
import { Channel } from '../protocol/channel.ts';
import type { RelayPort } from '../protocol/layout.ts';
import { HostTerminal } from './host-terminal.ts';
import { PendingAnswers } from './pending-answers.ts';
import { connectRelay } from './relay-connect.ts';
import { SandboxEvents } from './sandbox-events.ts';
import { SupervisorProcess } from './supervisor-process.ts';
import type { AppOutput, AppSpec, Sandbox, ServiceName, ServiceSpecs, ServiceState, Terminal, TerminalSpec } from './types.ts';

const READY_TIMEOUT_MS = 15_000;
const REPLY_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 1_000;

export interface SupervisorReady {
  uid: number;
  interfaces: string[];
}

export interface SupervisedSandboxOptions {
  learnerId: string;
  child: ChildProcess;
  channel: Duplex;
  relayPaths: Record<RelayPort, string>;
  /** After the child has exited: wait until nothing of the sandbox is left, remove its sockets. */
  cleanUp(): Promise<void>;
  /** Killing the child ends everything in the sandbox at once (bwrap: its pid namespace goes with it). */
  killEndsAll?: boolean;
  /** Called as the app is asked to start. */
  beforeAppStart?(): void;
}

type ReplyMessage = Extract<SupervisorMessage, { type: 'reply' }>;

export class SupervisedSandbox implements Sandbox {
  readonly learnerId: string;
  /** Host pid of the launched process (bwrap, or the plain supervisor). */
  readonly hostPid: number;
  readonly #process: SupervisorProcess;
  readonly #channel: Channel;
  readonly #relayPaths: Record<RelayPort, string>;
  readonly #cleanUp: () => Promise<void>;
  readonly #killEndsAll: boolean;
  readonly #beforeAppStart: () => void;
  readonly #events = new SandboxEvents();
  readonly #terminals = new Map<number, HostTerminal>();
  readonly #openings = new PendingAnswers<Terminal>();
  readonly #replies = new PendingAnswers<ReplyMessage>();
  readonly #ready: Promise<SupervisorReady>;
  #markReady!: { resolve(value: SupervisorReady): void; reject(error: Error): void };
  #labCommands: ((request: unknown) => Promise<LabAnswer>) | null = null;
  #nextTerminal = 1;
  #nextRequest = 1;
  #channelLost: string | null = null;
  #ended: string | null = null;
  #stopping = false;

  constructor(options: SupervisedSandboxOptions) {
    this.learnerId = options.learnerId;
    this.#relayPaths = options.relayPaths;
    this.#cleanUp = options.cleanUp;
    this.#killEndsAll = options.killEndsAll ?? false;
    this.#beforeAppStart = options.beforeAppStart ?? (() => undefined);
    this.#ready = new Promise((resolve, reject) => (this.#markReady = { resolve, reject }));
    this.#ready.catch(() => undefined);
    this.#process = new SupervisorProcess(options.child, {
      exited: (how) => this.#end(this.#channelLost ? `${this.#channelLost}; ${how}` : how),
      failed: (error) => this.#end(`could not start the sandbox: ${error.message}`),
    });
    this.hostPid = this.#process.pid;
    this.#channel = new Channel(options.channel, {
      control: (value) => this.#onControl(value),
      terminal: (id, data) => this.#terminals.get(id)?.deliver(data),
      close: (error) => {
        // The sandbox ends when its process does, which tells more (bwrap's error); one that keeps
        // running without its channel is useless and gets killed.
        this.#channelLost = error ? `channel to the supervisor failed: ${error.message}` : 'the supervisor closed its channel';
        if (!this.#stopping) setTimeout(() => this.#process.kill(), STOP_GRACE_MS).unref();
      },
    });
  }

  /** Resolves once the supervisor has announced itself, with what it sees of its sandbox. */
  ready(): Promise<SupervisorReady> {
    const timer = setTimeout(() => this.#end(`the supervisor did not start within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    return this.#ready.finally(() => clearTimeout(timer));
  }

  async openTerminal(spec: TerminalSpec): Promise<Terminal> {
    const id = this.#nextTerminal++;
    this.#send({ type: 'open-terminal', id, cwd: spec.cwd, ...clampSize(spec.cols, spec.rows) });
    return this.#openings.wait(id);
  }

  async startApp(spec: AppSpec): Promise<AppState> {
    if (this.#ended === null) this.#beforeAppStart();
    return (await this.#request({ type: 'start-app', req: this.#nextRequest++, cwd: spec.cwd, entry: spec.entry })).state;
  }

  async stopApp(): Promise<AppState> {
    return (await this.#request({ type: 'stop-app', req: this.#nextRequest++ })).state;
  }

  appState(): AppState {
    return this.#events.app();
  }

  async startService<N extends ServiceName>(name: N, spec: ServiceSpecs[N]): Promise<ServiceState> {
    const config = 'config' in spec ? spec.config : '';
    return (await this.#request({ type: 'start-service', req: this.#nextRequest++, service: name, cwd: spec.cwd, config })).state;
  }

  async stopService(name: ServiceName): Promise<ServiceState> {
    return (await this.#request({ type: 'stop-service', req: this.#nextRequest++, service: name })).state;
  }

  async reloadService(name: 'nginx'): Promise<ServiceState> {
    return (await this.#request({ type: 'reload-service', req: this.#nextRequest++, service: name })).state;
  }

  serviceState(name: ServiceName): ServiceState {
    return this.#events.service(name);
  }

  onServiceState(listener: (name: ServiceName, state: ServiceState) => void): () => void {
    return this.#events.serviceStates.add(listener);
  }

  onServiceOutput(listener: (name: ServiceName, output: AppOutput) => void): () => void {
    return this.#events.serviceOutput.add(listener);
  }

  onAppState(listener: (state: AppState) => void): () => void {
    return this.#events.appStates.add(listener);
  }

  onAppOutput(listener: (output: AppOutput) => void): () => void {
    return this.#events.appOutput.add(listener);
  }

  onAppLag(listener: (maxMs: number) => void): () => void {
    return this.#events.appLag.add(listener);
  }

  onLabCommand(handler: (request: unknown) => Promise<LabAnswer>): () => void {
    this.#labCommands = handler;
    return () => {
      if (this.#labCommands === handler) this.#labCommands = null;
    };
  }

  onEnd(listener: (reason: string) => void): () => void {
    return this.#events.end.add(listener);
  }

  connect(port: RelayPort): Promise<net.Socket> {
    if (this.#ended !== null) return Promise.reject(new Error(`sandbox ended: ${this.#ended}`));
    return connectRelay(this.#relayPaths, port);
  }

  /**
   * Ends it for a reason of the host's own (a quota): everything in it stops as with stop(), and the end
   * listeners hear `reason` as if it had ended by itself, so the learner is told why.
   */
  async abort(reason: string): Promise<void> {
    if (this.#ended !== null || this.#stopping) return;
    // What keeps writing must stop now: a kill where it takes everything with it, else the supervisor's
    // own shutdown (a killed plain supervisor would leave its children running). Either way the
    // listeners hear why first: the shells' exits would otherwise reach the viewers before the reason.
    if (!this.#killEndsAll) this.#stopping = true;
    this.#end(reason, true);
    await this.stop();
  }

  /** Asks the supervisor to end everything, and kills the sandbox if it has not gone within a second. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#process.stop(() => {
      if (!this.#channel.closed) this.#channel.sendControl({ type: 'shutdown' } satisfies HostMessage);
    }, STOP_GRACE_MS);
    this.#end('stopped');
    await this.#cleanUp();
  }

  #send(message: HostMessage): void {
    if (this.#ended !== null) throw new Error(`sandbox ended: ${this.#ended}`);
    this.#channel.sendControl(hostMessageSchema.parse(message));
  }

  async #request(message: Extract<HostMessage, { req: number }>): Promise<ReplyMessage> {
    this.#send(message);
    const answer = await this.#replies.wait(message.req, {
      ms: REPLY_TIMEOUT_MS,
      message: `the supervisor did not answer ${message.type} within ${REPLY_TIMEOUT_MS} ms`,
    });
    if (answer.error !== null) throw new Error(answer.error);
    return answer;
  }

  #onControl(value: unknown): void {
    const parsed = supervisorMessageSchema.safeParse(value);
    if (!parsed.success) {
      this.#end(`the supervisor sent a malformed message: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      this.#process.kill();
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'ready':
        this.#markReady.resolve({ uid: message.uid, interfaces: message.interfaces });
        return;
      case 'terminal-opened': {
        const terminal = new HostTerminal(message.id, {
          send: (m) => this.#send(m),
          sendInput: (id, data) => this.#channel.sendTerminal(id, data),
        });
        this.#terminals.set(message.id, terminal);
        this.#openings.resolve(message.id, terminal);
        return;
      }
      case 'terminal-error':
        this.#openings.reject(message.id, new Error(message.message));
        return;
      case 'terminal-exit':
        this.#terminals.get(message.id)?.exited({ code: message.code, signal: message.signal });
        this.#terminals.delete(message.id);
        return;
      case 'app-state':
        this.#events.setApp(message.state);
        return;
      case 'app-output':
        this.#events.appOutput.emit({ stream: message.stream, text: message.text });
        return;
      case 'app-lag':
        this.#events.appLag.emit(message.maxMs);
        return;
      case 'service-state':
        this.#events.setService(message.service, message.state);
        return;
      case 'service-output':
        this.#events.serviceOutput.emit(message.service, { stream: message.stream, text: message.text });
        return;
      case 'reply':
        this.#replies.resolve(message.req, message);
        return;
      case 'lab-command':
        this.#answerLabCommand(message.req, message.request);
        return;
    }
  }

  #answerLabCommand(req: number, request: unknown): void {
    const handled = this.#labCommands?.(request) ?? Promise.resolve({ ok: false, text: 'lab: this playground does not take lab commands' });
    void handled
      .catch((error: Error) => ({ ok: false, text: `lab: ${error.message}` }))
      .then(({ ok, text }) => {
        if (this.#ended === null && !this.#channel.closed) this.#send({ type: 'lab-answer', req, ok, text });
      })
      .catch(() => undefined); // the sandbox ended meanwhile: nobody is left to answer
  }

  /** Once: fail whatever waits, tell the terminals, and tell listeners unless the host stops it unannounced. */
  #end(reason: string, announce = !this.#stopping): void {
    if (this.#ended !== null) return;
    this.#ended = reason;
    // A supervisor that dropped its channel unasked is dead or hostile; when stopping it is just leaving.
    if (!this.#stopping && this.#process.running) this.#process.kill();
    const error = new Error(`sandbox ended: ${reason}`);
    this.#markReady.reject(error);
    this.#openings.rejectAll(error);
    this.#replies.rejectAll(error);
    // End listeners first: they learn why before each shell's exit arrives, and can tell the viewers so.
    if (announce) this.#events.end.emit(reason);
    for (const terminal of this.#terminals.values()) terminal.exited({ code: null, signal: 'SIGKILL' });
    this.#terminals.clear();
    this.#events.killAll();
  }
}

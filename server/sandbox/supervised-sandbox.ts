// A running supervisor seen from the host: the Sandbox every launcher returns. It speaks the channel
// protocol and distrusts the other end (the supervisor shares its sandbox with the learner's code):
// every control message is validated, and a broken one ends the sandbox.
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { AppState } from '../contracts/api.ts';
import type { LabAnswer } from '../contracts/lab-command.ts';
import { hostMessageSchema, supervisorMessageSchema, type HostMessage, type SupervisorMessage } from '../contracts/supervisor.ts';
import { clampSize } from '../contracts/terminal.ts';
import { Channel } from '../protocol/channel.ts';
import type { RelayPort } from '../protocol/layout.ts';
import { HostTerminal } from './host-terminal.ts';
import type { AppOutput, AppSpec, Sandbox, ServiceName, ServiceSpecs, ServiceState, Terminal, TerminalSpec } from './types.ts';

const READY_TIMEOUT_MS = 15_000;
const REPLY_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 1_000;
const STDERR_TAIL_BYTES = 4096;

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
}

type ReplyMessage = Extract<SupervisorMessage, { type: 'reply' }>;

function listen<T>(listeners: Set<T>, listener: T): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const stoppedState = (): AppState => ({ state: 'stopped', listening: false, exitCode: null, signal: null, since: new Date().toISOString() });
type Pending<T> = { resolve(value: T): void; reject(error: Error): void };

export class SupervisedSandbox implements Sandbox {
  readonly learnerId: string;
  /** Host pid of the launched process (bwrap, or the plain supervisor). */
  readonly hostPid: number;
  readonly #child: ChildProcess;
  readonly #channel: Channel;
  readonly #relayPaths: Record<RelayPort, string>;
  readonly #cleanUp: () => Promise<void>;
  readonly #terminals = new Map<number, HostTerminal>();
  readonly #openings = new Map<number, Pending<Terminal>>();
  readonly #replies = new Map<number, Pending<ReplyMessage>>();
  readonly #stateListeners = new Set<(state: AppState) => void>();
  readonly #outputListeners = new Set<(output: AppOutput) => void>();
  readonly #lagListeners = new Set<(maxMs: number) => void>();
  readonly #endListeners = new Set<(reason: string) => void>();
  readonly #serviceStateListeners = new Set<(name: ServiceName, state: ServiceState) => void>();
  readonly #serviceOutputListeners = new Set<(name: ServiceName, output: AppOutput) => void>();
  readonly #serviceStates: Record<ServiceName, ServiceState> = { nginx: stoppedState(), redis: stoppedState() };
  readonly #exited: Promise<void>;
  readonly #ready: Promise<SupervisorReady>;
  #markReady!: Pending<SupervisorReady>;
  #appState: AppState = stoppedState();
  #labCommands: ((request: unknown) => Promise<LabAnswer>) | null = null;
  #nextTerminal = 1;
  #nextRequest = 1;
  #stderrTail = '';
  #channelLost: string | null = null;
  #ended: string | null = null;
  #stopping = false;

  constructor(options: SupervisedSandboxOptions) {
    this.learnerId = options.learnerId;
    this.#child = options.child;
    this.hostPid = options.child.pid ?? -1;
    this.#relayPaths = options.relayPaths;
    this.#cleanUp = options.cleanUp;
    this.#ready = new Promise((resolve, reject) => (this.#markReady = { resolve, reject }));
    this.#ready.catch(() => undefined);
    this.#child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      this.#stderrTail = (this.#stderrTail + text).slice(-STDERR_TAIL_BYTES);
    });
    this.#exited = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => {
        const finish = () => {
          const detail = this.#stderrTail.trim();
          const exit = `the sandbox exited (${signal ?? `code ${code}`})${detail ? `: ${detail}` : ''}`;
          this.#end(this.#channelLost ? `${this.#channelLost}; ${exit}` : exit);
          resolve();
        };
        // Why bwrap failed may still be in the pipe when 'exit' comes.
        const stderr = this.#child.stderr;
        if (!stderr || stderr.readableEnded) return finish();
        const late = setTimeout(finish, 200);
        stderr.once('end', () => {
          clearTimeout(late);
          finish();
        });
      });
      // A process that could not be started at all emits 'error' and never 'exit'.
      this.#child.once('error', (error) => {
        if (this.#child.pid !== undefined) return;
        this.#end(`could not start the sandbox: ${error.message}`);
        resolve();
      });
    });
    this.#channel = new Channel(options.channel, {
      control: (value) => this.#onControl(value),
      terminal: (id, data) => this.#terminals.get(id)?.deliver(data),
      close: (error) => {
        // The sandbox ends when its process does, which tells more (bwrap's error); one that keeps
        // running without its channel is useless and gets killed.
        this.#channelLost = error ? `channel to the supervisor failed: ${error.message}` : 'the supervisor closed its channel';
        if (!this.#stopping) setTimeout(() => this.#child.kill('SIGKILL'), STOP_GRACE_MS).unref();
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
    const opened = new Promise<Terminal>((resolve, reject) => this.#openings.set(id, { resolve, reject }));
    this.#send({ type: 'open-terminal', id, cwd: spec.cwd, ...clampSize(spec.cols, spec.rows) });
    return opened;
  }

  async startApp(spec: AppSpec): Promise<AppState> {
    return (await this.#request({ type: 'start-app', req: this.#nextRequest++, cwd: spec.cwd, entry: spec.entry })).state;
  }

  async stopApp(): Promise<AppState> {
    return (await this.#request({ type: 'stop-app', req: this.#nextRequest++ })).state;
  }

  appState(): AppState {
    return this.#appState;
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
    return this.#serviceStates[name];
  }

  onServiceState(listener: (name: ServiceName, state: ServiceState) => void): () => void {
    return listen(this.#serviceStateListeners, listener);
  }

  onServiceOutput(listener: (name: ServiceName, output: AppOutput) => void): () => void {
    return listen(this.#serviceOutputListeners, listener);
  }

  onAppState(listener: (state: AppState) => void): () => void {
    return listen(this.#stateListeners, listener);
  }

  onAppOutput(listener: (output: AppOutput) => void): () => void {
    return listen(this.#outputListeners, listener);
  }

  onAppLag(listener: (maxMs: number) => void): () => void {
    return listen(this.#lagListeners, listener);
  }

  onLabCommand(handler: (request: unknown) => Promise<LabAnswer>): () => void {
    this.#labCommands = handler;
    return () => {
      if (this.#labCommands === handler) this.#labCommands = null;
    };
  }

  onEnd(listener: (reason: string) => void): () => void {
    return listen(this.#endListeners, listener);
  }

  connect(port: RelayPort): Promise<net.Socket> {
    if (this.#ended !== null) return Promise.reject(new Error(`sandbox ended: ${this.#ended}`));
    const path = this.#relayPaths[port];
    if (!path) return Promise.reject(new Error(`port ${port} is not relayed`));
    return new Promise((resolve, reject) => {
      const socket = net.connect({ path });
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(socket);
      });
      socket.once('error', reject);
    });
  }

  /** Asks the supervisor to end everything, and kills the sandbox if it has not gone within a second. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#child.pid !== undefined && this.#child.exitCode === null && this.#child.signalCode === null) {
      if (!this.#channel.closed) this.#channel.sendControl({ type: 'shutdown' } satisfies HostMessage);
      const grace = setTimeout(() => this.#child.kill('SIGKILL'), STOP_GRACE_MS);
      await this.#exited;
      clearTimeout(grace);
    }
    this.#end('stopped');
    await this.#cleanUp();
  }

  #send(message: HostMessage): void {
    if (this.#ended !== null) throw new Error(`sandbox ended: ${this.#ended}`);
    this.#channel.sendControl(hostMessageSchema.parse(message));
  }

  #request(message: Extract<HostMessage, { req: number }>): Promise<ReplyMessage> {
    const reply = new Promise<ReplyMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#replies.delete(message.req);
        reject(new Error(`the supervisor did not answer ${message.type} within ${REPLY_TIMEOUT_MS} ms`));
      }, REPLY_TIMEOUT_MS);
      this.#replies.set(message.req, {
        resolve: (value) => { clearTimeout(timer); resolve(value); },
        reject: (error) => { clearTimeout(timer); reject(error); },
      });
    });
    this.#send(message);
    return reply.then((answer) => {
      if (answer.error !== null) throw new Error(answer.error);
      return answer;
    });
  }

  #onControl(value: unknown): void {
    const parsed = supervisorMessageSchema.safeParse(value);
    if (!parsed.success) {
      this.#end(`the supervisor sent a malformed message: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      this.#child.kill('SIGKILL');
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
        this.#openings.get(message.id)?.resolve(terminal);
        this.#openings.delete(message.id);
        return;
      }
      case 'terminal-error':
        this.#openings.get(message.id)?.reject(new Error(message.message));
        this.#openings.delete(message.id);
        return;
      case 'terminal-exit':
        this.#terminals.get(message.id)?.exited({ code: message.code, signal: message.signal });
        this.#terminals.delete(message.id);
        return;
      case 'app-state':
        this.#appState = message.state;
        for (const listener of this.#stateListeners) listener(message.state);
        return;
      case 'app-output':
        for (const listener of this.#outputListeners) listener({ stream: message.stream, text: message.text });
        return;
      case 'app-lag':
        for (const listener of this.#lagListeners) listener(message.maxMs);
        return;
      case 'service-state':
        this.#serviceStates[message.service] = message.state;
        for (const listener of this.#serviceStateListeners) listener(message.service, message.state);
        return;
      case 'service-output':
        for (const listener of this.#serviceOutputListeners) listener(message.service, { stream: message.stream, text: message.text });
        return;
      case 'reply':
        this.#replies.get(message.req)?.resolve(message);
        this.#replies.delete(message.req);
        return;
      case 'lab-command': {
        const handled = this.#labCommands?.(message.request) ?? Promise.resolve({ ok: false, text: 'lab: this playground does not take lab commands' });
        void handled
          .catch((error: Error) => ({ ok: false, text: `lab: ${error.message}` }))
          .then(({ ok, text }) => {
            if (this.#ended === null && !this.#channel.closed) this.#send({ type: 'lab-answer', req: message.req, ok, text });
          })
          .catch(() => undefined); // the sandbox ended meanwhile: nobody is left to answer
        return;
      }
    }
  }

  /** Once: fail whatever waits, tell the terminals, and tell listeners unless the host asked for it. */
  #end(reason: string): void {
    if (this.#ended !== null) return;
    this.#ended = reason;
    // A supervisor that dropped its channel unasked is dead or hostile; when stopping it is just leaving.
    if (!this.#stopping && this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL');
    const error = new Error(`sandbox ended: ${reason}`);
    this.#markReady.reject(error);
    for (const pending of [...this.#openings.values(), ...this.#replies.values()]) pending.reject(error);
    this.#openings.clear();
    this.#replies.clear();
    // End listeners first: they learn why before each shell's exit arrives, and can tell the viewers so.
    if (!this.#stopping) for (const listener of this.#endListeners) listener(reason);
    for (const terminal of this.#terminals.values()) terminal.exited({ code: null, signal: 'SIGKILL' });
    this.#terminals.clear();
    const killed = (state: AppState): AppState | null => (state.state === 'running' || state.state === 'starting'
      ? { ...state, state: 'exited', listening: false, signal: 'SIGKILL', since: new Date().toISOString() }
      : null);
    const app = killed(this.#appState);
    if (app) {
      this.#appState = app;
      for (const listener of this.#stateListeners) listener(app);
    }
    for (const name of Object.keys(this.#serviceStates) as ServiceName[]) {
      const service = killed(this.#serviceStates[name]);
      if (!service) continue;
      this.#serviceStates[name] = service;
      for (const listener of this.#serviceStateListeners) listener(name, service);
    }
  }
}

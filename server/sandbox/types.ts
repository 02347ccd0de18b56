// The host's view of a learner's sandbox. Every launcher (bubblewrap, plain) gives the same interface,
// so the HTTP/WebSocket layer never knows which one runs.
import type { Socket } from 'node:net';
import type { AppState, LauncherStatus } from '../contracts/api.ts';
import type { LabAnswer } from '../contracts/lab-command.ts';

export interface SandboxSpec {
  learnerId: string;
  /** Host folder that is the learner's home inside the sandbox (/home/learner); one subfolder per lab. */
  homeDir: string;
  /** Host-only folder for this sandbox's sockets; the learner can neither see nor write it. */
  runDir: string;
}

export interface TerminalSpec {
  /** Working directory relative to the home folder, e.g. the lab's folder name. */
  cwd: string;
  cols: number;
  rows: number;
}

export interface Terminal {
  readonly id: string;
  write(data: string): void;
  resize(cols: number, rows: number): void;
  /** Output bytes as the pty produced them. */
  onData(listener: (chunk: Buffer) => void): () => void;
  onExit(listener: (exit: { code: number | null; signal: string | null }) => void): () => void;
  /** Flow control: the viewer has processed this many more bytes. */
  ack(bytes: number): void;
  close(): void;
}

export interface AppSpec {
  /** Working directory relative to the home folder. */
  cwd: string;
  /** File run with `node`, relative to cwd. */
  entry: string;
}

export type AppOutput = { stream: 'stdout' | 'stderr' | 'system'; text: string };

export type ServiceName = 'nginx' | 'redis';
/** Paths relative to the home folder. nginx: `nginx -p <cwd> -c <config>`; redis runs in cwd, memory only. */
export interface ServiceSpecs {
  nginx: { cwd: string; config: string };
  redis: { cwd: string };
}
/** A service's process state has the same shape as the app's. */
export type ServiceState = AppState;

export interface Sandbox {
  readonly learnerId: string;
  openTerminal(spec: TerminalSpec): Promise<Terminal>;
  /** Starts the app, or restarts it when it runs already. Resolves once the process has started. */
  startApp(spec: AppSpec): Promise<AppState>;
  stopApp(): Promise<AppState>;
  appState(): AppState;
  onAppState(listener: (state: AppState) => void): () => void;
  onAppOutput(listener: (output: AppOutput) => void): () => void;
  /** The app's own event-loop delay in ms (the largest over about a quarter second), while it runs with the lag preload. */
  onAppLag(listener: (maxMs: number) => void): () => void;
  /** Starts (or restarts) a service; nginx's config is tested first and a failing `nginx -t` rejects with its output. */
  startService<N extends ServiceName>(name: N, spec: ServiceSpecs[N]): Promise<ServiceState>;
  stopService(name: ServiceName): Promise<ServiceState>;
  /** nginx: test the config, then reload it in place; rejects with `nginx -t`'s output when the test fails. */
  reloadService(name: 'nginx'): Promise<ServiceState>;
  serviceState(name: ServiceName): ServiceState;
  onServiceState(listener: (name: ServiceName, state: ServiceState) => void): () => void;
  onServiceOutput(listener: (name: ServiceName, output: AppOutput) => void): () => void;
  /** A TCP-like stream to 127.0.0.1:port inside the sandbox, through the port relay. */
  connect(port: 8999 | 8888): Promise<Socket>;
  /**
   * Who answers the learner's `lab` commands (request: unvalidated, straight from the sandbox). One
   * handler; without one the learner is told the command is not available.
   */
  onLabCommand(handler: (request: unknown) => Promise<LabAnswer>): () => void;
  /** Called once when the sandbox ends by itself (supervisor died, bwrap exited). */
  onEnd(listener: (reason: string) => void): () => void;
  stop(): Promise<void>;
}

export interface Launcher {
  readonly status: LauncherStatus;
  launch(spec: SandboxSpec): Promise<Sandbox>;
}

import { EventEmitter } from 'node:events';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Logger } from '../platform/logger.ts';
import {
  EMPTY_FLAG_CONFIGURATION,
  FlagConfigurationError,
  parseFlagConfiguration,
  type FlagConfiguration,
} from './flag-configuration.ts';

/** What a reload did: served a new revision, found the same text, or refused the text and kept the last good. */
export type ReloadOutcome = 'applied' | 'unchanged' | 'invalid' | 'missing';

export interface FlagFileSourceEvents {
  change: [configuration: FlagConfiguration];
  reload: [outcome: ReloadOutcome, error?: FlagConfigurationError];
}

/**
 * The flag configuration read from a file, hot-reloaded: the operator renders a backend's merged flag sets into
 * a ConfigMap mounted in the api pods, and kubelet swaps the mounted file (an atomic `..data` symlink change)
 * when the ConfigMap changes. A directory watch reacts at once; a poll catches what watches miss (symlink swaps on
 * some filesystems, an editor's rename). A text that fails validation never replaces the one being served: the
 * last good configuration stays, and the failure is logged and counted (docs/decisions/0500).
 */
export class FlagFileSource extends EventEmitter<FlagFileSourceEvents> {
  readonly #path: string | undefined;
  readonly #pollMs: number;
  readonly #logger: Logger;
  #current: FlagConfiguration;
  #lastText: string | undefined;
  #watcher: FSWatcher | undefined;
  #poll: NodeJS.Timeout | undefined;
  #reloading: Promise<ReloadOutcome> | undefined;
  #again = false;

  constructor(options: { path: string | undefined; pollMs: number; logger: Logger }) {
    super();
    this.#path = options.path;
    this.#pollMs = options.pollMs;
    this.#logger = options.logger;
    this.#current = parseFlagConfiguration(EMPTY_FLAG_CONFIGURATION);
  }

  /** The configuration being served: always a valid one (the empty set before any file was read). */
  get current(): FlagConfiguration {
    return this.#current;
  }

  /**
   * Reads the file once, synchronously, so the first request already sees it; then watches it. A missing or
   * invalid file leaves the empty set and keeps watching.
   */
  start(): void {
    if (this.#path === undefined) return;
    let text: string | undefined;
    try {
      text = readFileSync(this.#path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.#logger.warn({ err: error, file: basename(this.#path) }, 'reading the flag file failed');
      }
    }
    if (text !== undefined) this.#apply(text);
    try {
      // The directory, not the file: kubelet replaces the file by swapping a symlink, which a file watch misses.
      this.#watcher = watch(dirname(this.#path), { persistent: false }, () => void this.reload());
      this.#watcher.on('error', (error) => this.#logger.warn({ err: error }, 'flag file watch failed; polling only'));
    } catch (error) {
      this.#logger.warn({ err: error, path: this.#path }, 'cannot watch the flag directory; polling only');
    }
    this.#poll = setInterval(() => void this.reload(), this.#pollMs);
    this.#poll.unref();
  }

  /** Re-reads the file; concurrent calls coalesce into one more read after the one in progress. */
  reload(): Promise<ReloadOutcome> {
    if (this.#reloading !== undefined) {
      this.#again = true;
      return this.#reloading;
    }
    this.#reloading = this.#read().finally(() => {
      this.#reloading = undefined;
      if (this.#again) {
        this.#again = false;
        void this.reload();
      }
    });
    return this.#reloading;
  }

  async #read(): Promise<ReloadOutcome> {
    const path = this.#path;
    if (path === undefined) return 'missing';
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.#logger.warn({ err: error, file: basename(path) }, 'reading the flag file failed');
      }
      this.emit('reload', 'missing');
      return 'missing';
    }
    return this.#apply(text);
  }

  #apply(text: string): ReloadOutcome {
    if (text === this.#lastText) return 'unchanged';
    this.#lastText = text;
    let next: FlagConfiguration;
    try {
      next = parseFlagConfiguration(text);
    } catch (error) {
      const refused =
        error instanceof FlagConfigurationError ? error : new FlagConfigurationError('<root>', String(error));
      this.#logger.warn(
        { field: refused.field, reason: refused.message, serving: this.#current.revision },
        'flag configuration refused; still serving the last good one',
      );
      this.emit('reload', 'invalid', refused);
      return 'invalid';
    }
    if (next.revision === this.#current.revision) return 'unchanged';
    this.#current = next;
    this.#logger.info({ revision: next.revision, flags: next.core.getFlags().size }, 'flag configuration applied');
    this.emit('reload', 'applied');
    this.emit('change', next);
    return 'applied';
  }

  close(): void {
    this.#watcher?.close();
    clearInterval(this.#poll);
    this.removeAllListeners();
  }
}

import { watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";

/** A running watch; `close()` is safe to call twice. */
export interface ConfigWatch {
  close(): void;
}

/**
 * Watches the config file's directory (editors and our atomic writer replace the file by rename, which
 * a watch on the file's inode would miss) and calls `onChange` once per burst, after `debounceMs` of quiet.
 */
export function watchConfigFile(file: string, debounceMs: number, onChange: () => void): ConfigWatch {
  const name = basename(file);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(file), { persistent: false }, (_event, changed) => {
      if (changed !== null && changed !== name && !String(changed).startsWith(`.${name}.`)) return;
      if (String(changed).endsWith(".tmp")) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, debounceMs);
    });
  } catch {
    // The directory may not exist yet (no config written); reload then simply has nothing to watch.
    watcher = undefined;
  }
  return {
    close() {
      clearTimeout(timer);
      watcher?.close();
      watcher = undefined;
    },
  };
}

import { type ConfigEntry, MemoryEntryStore } from '@configflow/core';

/** An entry store whose writes a test can hold: a setup that is still saving its entry. */
export class HeldEntryStore extends MemoryEntryStore {
  held = 0;
  private gate: Promise<void> | undefined;
  release: () => void = () => {};
  hold(): void {
    this.gate = new Promise((resolve) => {
      this.release = resolve;
    });
  }
  override async put(entry: ConfigEntry): Promise<void> {
    if (this.gate) {
      this.held++;
      await this.gate;
    }
    return super.put(entry);
  }
}

/**
 * The part of @serialport/binding-mock the tests use. Its package.json "exports" hides its
 * own .d.ts from NodeNext resolution, so the types are declared here.
 */
declare module '@serialport/binding-mock' {
  import type { BindingInterface, BindingPortInterface, OpenOptions } from '@serialport/bindings-interface';

  export interface MockPortBinding extends BindingPortInterface {
    readonly openOptions: Required<OpenOptions>;
    /** Everything written to the port (with `record: true`). */
    recording: Buffer;
    /** The device sends `data`. */
    emitData(data: Buffer | string): void;
  }

  export const MockBinding: BindingInterface<MockPortBinding> & {
    reset(): void;
    createPort(path: string, options?: { echo?: boolean; record?: boolean }): void;
  };
}

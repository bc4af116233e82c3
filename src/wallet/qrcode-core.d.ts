/**
 * The encoder of the qrcode package without its renderers (`qrcode/lib/core/qrcode.js`,
 * plain JavaScript with no Node API), declared here because @types/qrcode covers the
 * whole package and brings Node's types with it: the web wallet's type check has none.
 */
declare module 'qrcode/lib/core/qrcode.js' {
  export interface CoreQrCode {
    version: number;
    modules: { size: number; get(row: number, column: number): number };
  }
  export function create(text: string, options: { errorCorrectionLevel: 'L' | 'M' | 'Q' | 'H' }): CoreQrCode;
}

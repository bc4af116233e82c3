/** How a configured device is found: by its node, or by its USB IDs (and the profile's product name). */
export interface DeviceTarget {
  path?: string | undefined;
  vendorId?: string | undefined;
  productId?: string | undefined;
  /** Only devices whose product name matches (from the profile: one vendor's IDs on several boards). */
  productName?: RegExp | undefined;
}

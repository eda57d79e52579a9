export * from "./bitstream";
export * from "./crc32";
export * from "./errors";
export * from "./quantizer";
export * from "./rans";
export * from "./tables";

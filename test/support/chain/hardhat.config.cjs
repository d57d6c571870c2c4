// Hardhat network for tests: automine, no contracts to compile. A failed transaction is mined
// and answered with its hash, as on a real chain, not thrown back. The chain id is 31337 unless
// STELE_TEST_CHAIN_ID says otherwise (startHardhatNode({ chainId }) sets it for its child).
const chainId = Number(process.env.STELE_TEST_CHAIN_ID ?? "31337");
if (!Number.isSafeInteger(chainId) || chainId < 1) {
  throw new Error(`STELE_TEST_CHAIN_ID must be a whole number of at least 1, not ${chainId}`);
}

module.exports = {
  solidity: "0.8.28",
  networks: {
    hardhat: { chainId, throwOnTransactionFailures: false, throwOnCallFailures: false },
  },
};

// Hardhat network for tests: chain id 31337, automine, no contracts to compile. A failed
// transaction is mined and answered with its hash, as on a real chain, not thrown back.
module.exports = {
  solidity: "0.8.28",
  networks: {
    hardhat: { chainId: 31337, throwOnTransactionFailures: false, throwOnCallFailures: false },
  },
};

// The local stack's embedded chain: chain id 31337, a block every second (and at once for each
// transaction), failed transactions mined as on a real chain. No contracts are compiled here.
module.exports = {
  solidity: "0.8.28",
  networks: {
    hardhat: {
      chainId: 31337,
      mining: { auto: true, interval: 1000 },
      throwOnTransactionFailures: false,
      throwOnCallFailures: false,
    },
  },
};

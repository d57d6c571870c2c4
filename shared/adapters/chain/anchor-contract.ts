/**
 * The Anchor contract (contracts/Anchor.sol) through ethers v6: its ABI and deployment, for the
 * local stack and tests (the anchor function needs only its calldata: see anchor-call.ts).
 */
import { ContractFactory, type EventFragment, Interface, type Signer } from "ethers";
import artifact from "../../../contracts/artifacts/Anchor.json" with { type: "json" };

/** The contract's interface, human-readable; the integration test holds it to the compiled ABI. */
export const ANCHOR_ABI = [
  "constructor()",
  "error NotAuthorized(address caller)",
  "error NotOwner(address caller)",
  "error ZeroAddress()",
  "event Anchored(bytes32 indexed logId, uint64 indexed treeSize, bytes32 rootHash)",
  "event Authorized(address indexed account)",
  "event OwnershipTransferred(address indexed previousOwner, address indexed newOwner)",
  "event Revoked(address indexed account)",
  "function anchor(bytes32 logId, uint64 treeSize, bytes32 rootHash)",
  "function authorize(address account)",
  "function isAuthorized(address account) view returns (bool)",
  "function owner() view returns (address)",
  "function revoke(address account)",
  "function transferOwnership(address newOwner)",
] as const;

export const ANCHOR_INTERFACE = new Interface(ANCHOR_ABI);

/** Creation code of the committed artifact (`npm run build:contracts`). */
export const ANCHOR_BYTECODE: string = artifact.bytecode;

function anchoredEvent(): EventFragment {
  const fragment = ANCHOR_INTERFACE.getEvent("Anchored");
  if (fragment === null) throw new Error("ANCHOR_ABI lacks the Anchored event");
  return fragment;
}

/** `Anchored(bytes32 indexed logId, uint64 indexed treeSize, bytes32 rootHash)`; its topicHash is topic0. */
export const ANCHORED_EVENT: EventFragment = anchoredEvent();

/** Deploys an Anchor owned by `signer`, waits for the deployment and returns its address. */
export async function deployAnchor(signer: Signer): Promise<string> {
  const contract = await new ContractFactory(ANCHOR_INTERFACE, ANCHOR_BYTECODE, signer).deploy();
  await contract.waitForDeployment();
  return contract.getAddress();
}

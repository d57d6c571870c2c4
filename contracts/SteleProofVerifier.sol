// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Rfc9162} from "./Rfc9162.sol";

/// @title Stele proof verifier
/// @notice The Rfc9162 library as external views, for contracts and off-chain callers that want
///         the EVM's own answer to "is this entry in that tree?".
/// @dev Where the root comes from is the caller's business, and the whole of the trust. The
///      Anchor contract keeps no state (an anchor is only an `Anchored` event), so no contract
///      can look a root up on chain: a contract trusting a Stele proof takes the root from the
///      event off chain (the receipt named by the bundle's anchor, checked as spec/proof-v1.md
///      step 5 describes) or from an oracle it trusts, and passes it in here.
contract SteleProofVerifier {
    /// @notice SHA-256(0x00 || contentHash).
    function leafHash(bytes32 contentHash) external pure returns (bytes32) {
        return Rfc9162.leafHash(contentHash);
    }

    /// @notice Length of the audit path of `leafIndex` in a tree of `treeSize`; reverts with
    ///         Rfc9162.LeafIndexBeyondTreeSize unless leafIndex < treeSize.
    function inclusionProofLength(uint256 leafIndex, uint256 treeSize)
        external
        pure
        returns (uint256)
    {
        return Rfc9162.inclusionProofLength(leafIndex, treeSize);
    }

    /// @notice The root `proof` leads to; reverts when the proof cannot fit the tree's shape.
    function rootFromInclusionProof(
        uint256 leafIndex,
        uint256 treeSize,
        bytes32 leaf,
        bytes32[] calldata proof
    ) external pure returns (bytes32) {
        return Rfc9162.rootFromInclusionProof(leafIndex, treeSize, leaf, proof);
    }

    /// @notice True when `proof` shows leaf hash `leaf` at `leafIndex` in the tree of `treeSize`
    ///         with root `root`.
    function verifyInclusion(
        uint256 leafIndex,
        uint256 treeSize,
        bytes32 leaf,
        bytes32[] calldata proof,
        bytes32 root
    ) external pure returns (bool) {
        return Rfc9162.verifyInclusion(leafIndex, treeSize, leaf, proof, root);
    }

    /// @notice Steps 2 and 3 of spec/proof-v1.md in one call: the entry with `contentHash` is
    ///         leaf `leafIndex` of the tree of `treeSize` with root `root`.
    function verifyContentInclusion(
        bytes32 contentHash,
        uint256 leafIndex,
        uint256 treeSize,
        bytes32[] calldata proof,
        bytes32 root
    ) external pure returns (bool) {
        return Rfc9162.verifyInclusion(
            leafIndex, treeSize, Rfc9162.leafHash(contentHash), proof, root
        );
    }
}

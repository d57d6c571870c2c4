// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title RFC 9162 Merkle tree hashing and inclusion proofs
/// @notice SHA-256 with leaf/node domain separation (RFC 9162 §2.1.1) and the inclusion proof
///         check of §2.1.3.2, as Stele's logs use them (spec/proof-v1.md). Pure: a caller brings
///         the root it trusts (see SteleProofVerifier for where that root comes from).
library Rfc9162 {
    /// @notice An inclusion proof names a leaf at or beyond the end of the tree.
    error LeafIndexBeyondTreeSize(uint256 leafIndex, uint256 treeSize);
    /// @notice An inclusion proof has `got` hashes where the tree's shape needs `want`.
    error WrongProofSize(uint256 got, uint256 want);

    /// @notice SHA-256(0x00 || contentHash): the leaf hash of a Stele entry, whose leaf data is
    ///         the 32 raw bytes of its contentHash.
    function leafHash(bytes32 contentHash) internal pure returns (bytes32) {
        return sha256(abi.encodePacked(bytes1(0x00), contentHash));
    }

    /// @notice SHA-256(0x01 || left || right): the parent of two subtree hashes.
    function nodeHash(bytes32 left, bytes32 right) internal pure returns (bytes32) {
        return sha256(abi.encodePacked(bytes1(0x01), left, right));
    }

    /// @notice Length of the audit path of `leafIndex` in a tree of `treeSize`; requires
    ///         leafIndex < treeSize.
    function inclusionProofLength(uint256 leafIndex, uint256 treeSize)
        internal
        pure
        returns (uint256)
    {
        if (leafIndex >= treeSize) revert LeafIndexBeyondTreeSize(leafIndex, treeSize);
        uint256 inner = _bitLength(leafIndex ^ (treeSize - 1));
        return inner + _popCount(leafIndex >> inner);
    }

    /// @notice The root that `proof` leads to from `leaf` at `leafIndex` in a tree of
    ///         `treeSize`. Reverts with LeafIndexBeyondTreeSize or WrongProofSize when the proof
    ///         cannot belong to such a tree.
    function rootFromInclusionProof(
        uint256 leafIndex,
        uint256 treeSize,
        bytes32 leaf,
        bytes32[] calldata proof
    ) internal pure returns (bytes32) {
        if (leafIndex >= treeSize) revert LeafIndexBeyondTreeSize(leafIndex, treeSize);
        (bool shaped, bytes32 root) = _walk(leafIndex, treeSize, leaf, proof);
        if (!shaped) revert WrongProofSize(proof.length, inclusionProofLength(leafIndex, treeSize));
        return root;
    }

    /// @notice True when `proof` shows `leaf` at `leafIndex` in the tree of `treeSize` whose
    ///         root is `root`; false for any other input, never a revert.
    function verifyInclusion(
        uint256 leafIndex,
        uint256 treeSize,
        bytes32 leaf,
        bytes32[] calldata proof,
        bytes32 root
    ) internal pure returns (bool) {
        if (leafIndex >= treeSize) return false;
        (bool shaped, bytes32 calculated) = _walk(leafIndex, treeSize, leaf, proof);
        return shaped && calculated == root;
    }

    /// @dev RFC 9162 §2.1.3.2 steps 2-5 for leafIndex < treeSize. `shaped` is false when sn
    ///      reaches 0 before the proof ends or has not reached it when the proof ends: exactly
    ///      when proof.length differs from inclusionProofLength(leafIndex, treeSize).
    function _walk(uint256 leafIndex, uint256 treeSize, bytes32 leaf, bytes32[] calldata proof)
        private
        pure
        returns (bool shaped, bytes32 root)
    {
        uint256 fn = leafIndex;
        uint256 sn = treeSize - 1;
        root = leaf;
        for (uint256 i = 0; i < proof.length; ++i) {
            if (sn == 0) return (false, root);
            // fn a right child or on the right edge (fn == sn): the proof holds the left sibling.
            if (fn & 1 == 1 || fn == sn) {
                root = nodeHash(proof[i], root);
                while (fn & 1 == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                root = nodeHash(root, proof[i]);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return (sn == 0, root);
    }

    /// @dev Number of bits needed to write `value` (0 for 0).
    function _bitLength(uint256 value) private pure returns (uint256 bits) {
        while (value != 0) {
            value >>= 1;
            ++bits;
        }
    }

    /// @dev Number of set bits of `value`.
    function _popCount(uint256 value) private pure returns (uint256 count) {
        while (value != 0) {
            value &= value - 1;
            ++count;
        }
    }
}

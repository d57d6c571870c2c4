// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title Stele anchor
/// @notice Puts checkpoints of Stele logs on chain as `Anchored` events (spec/proof-v1.md,
///         "Anchor"). Only addresses the owner authorised may anchor.
/// @dev `anchor` writes no state: its only effects are one authorisation read and one LOG3,
///      so an anchor costs little more than the transaction's intrinsic gas. Nothing on chain
///      remembers a root; a verifier reads it from the event in the transaction's receipt.
contract Anchor {
    /// @notice A checkpoint of the log `logId = keccak256(UTF-8 bytes of origin)`.
    event Anchored(bytes32 indexed logId, uint64 indexed treeSize, bytes32 rootHash);
    event Authorized(address indexed account);
    event Revoked(address indexed account);
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    /// @notice `caller` is not authorised to anchor: the owner must `authorize` it first.
    error NotAuthorized(address caller);
    /// @notice Only the owner may change authorisations or ownership.
    error NotOwner(address caller);
    /// @notice The zero address can be neither owner nor anchorer.
    error ZeroAddress();

    address public owner;
    mapping(address account => bool) private _authorized;

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _;
    }

    constructor() {
        owner = msg.sender;
        emit OwnershipTransferred(address(0), msg.sender);
    }

    /// @notice Lets `account` call `anchor`.
    function authorize(address account) external onlyOwner {
        if (account == address(0)) revert ZeroAddress();
        _authorized[account] = true;
        emit Authorized(account);
    }

    /// @notice Stops `account` from calling `anchor`.
    function revoke(address account) external onlyOwner {
        _authorized[account] = false;
        emit Revoked(account);
    }

    function isAuthorized(address account) external view returns (bool) {
        return _authorized[account];
    }

    /// @notice Hands the contract to `newOwner`; the authorisations stay as they are.
    function transferOwnership(address newOwner) external onlyOwner {
        if (newOwner == address(0)) revert ZeroAddress();
        emit OwnershipTransferred(owner, newOwner);
        owner = newOwner;
    }

    /// @notice Records that the log `logId` had root `rootHash` at size `treeSize`.
    function anchor(bytes32 logId, uint64 treeSize, bytes32 rootHash) external {
        if (!_authorized[msg.sender]) revert NotAuthorized(msg.sender);
        emit Anchored(logId, treeSize, rootHash);
    }
}

// An Ansible `!vault`-encrypted value: kept as a marker, never decrypted or printed.
export class VaultedValue {
  toString(): string {
    return "<vaulted>";
  }
  toJSON(): string {
    return "<vaulted>";
  }
}

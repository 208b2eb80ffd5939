package types

import sdk "github.com/cosmos/cosmos-sdk/types"

var _ sdk.HasValidateBasic = (*MsgUpdateParams)(nil)

// ValidateBasic refuses params that do not validate, before a block (CheckTx).
func (m *MsgUpdateParams) ValidateBasic() error { return m.Params.Validate() }

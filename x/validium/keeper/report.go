package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/slush-tree/slush/circuits/commitment"
	acceptancetypes "github.com/slush-tree/slush/x/acceptance/types"
	"github.com/slush-tree/slush/x/validium/types"
)

// reportedHistogram bounds the child's reported histogram and charges for hashing it before it
// is hashed (a histogram of 10^5 buckets takes seconds to digest), then requires its digest to
// be the commitment's acceptance digest (DESIGN §6).
func (k Keeper) reportedHistogram(ctx context.Context, buckets []acceptancetypes.HistogramBucket, c commitment.Commitment) (acceptancetypes.Histogram, error) {
	limit, err := k.acceptance.MaxReportBuckets(ctx)
	if err != nil {
		return nil, err
	}
	if len(buckets) > limit {
		return nil, errorsmod.Wrapf(types.ErrTooManyBuckets, "%d > %d", len(buckets), limit)
	}
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(types.HistogramGasPerBucket*uint64(len(buckets)), "validium reported histogram")
	histogram := acceptancetypes.HistogramFromProto(buckets)
	if digest := histogram.Digest(); !digest.Equal(&c.AcceptanceDigest) {
		return nil, errorsmod.Wrap(types.ErrAcceptanceDigest, "the reported histogram is not the one the commitment binds")
	}
	return histogram, nil
}

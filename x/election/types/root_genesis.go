package types

import (
	errorsmod "cosmossdk.io/errors"

	"github.com/slush-tree/slush/circuits/commitment"
	"github.com/slush-tree/slush/circuits/hash"
)

// validateRoot checks the root re-election part of a genesis state (DESIGN §10): election ids
// below next_root_election_id (0 reads as 1) and unique, at most one open election, and votes,
// tallies and results that belong to known elections, once each, with well-formed candidates.
func (gs GenesisState) validateRoot() error {
	next := max(gs.NextRootElectionId, 1)
	elections := make(map[uint64]bool, len(gs.RootElections))
	open := false
	for _, e := range gs.RootElections {
		if err := e.validate(next); err != nil {
			return err
		}
		if elections[e.Id] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "root election %d listed twice", e.Id)
		}
		elections[e.Id] = true
		if e.Status == RootElectionStatus_ROOT_ELECTION_STATUS_OPEN {
			if open {
				return errorsmod.Wrap(ErrInvalidGenesis, "two open root elections")
			}
			open = true
		}
	}
	votes := make(map[string]bool, len(gs.RootVotes))
	for _, v := range gs.RootVotes {
		path, err := v.VoterPath()
		if err != nil || len(path) == 0 {
			return errorsmod.Wrapf(ErrInvalidGenesis, "root vote in election %d: voter is not a strict descendant of the root", v.ElectionId)
		}
		key := string(append(hash.EncodeElement(hash.Uint64(v.ElectionId)), path...))
		if !elections[v.ElectionId] || votes[key] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "root vote of %v in election %d: unknown election or listed twice", path, v.ElectionId)
		}
		votes[key] = true
		if _, err := DecodeRootCandidate(v.Candidate); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "root vote of %v: %v", path, err)
		}
		if v.Weight == 0 || (v.Counted != 0 && v.Counted != v.Weight) {
			return errorsmod.Wrapf(ErrInvalidGenesis, "root vote of %v counts %d of weight %d (all or nothing)", path, v.Counted, v.Weight)
		}
	}
	tallies := make(map[string]bool, len(gs.RootTallies))
	for _, t := range gs.RootTallies {
		if _, err := DecodeRootCandidate(t.Candidate); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "root tally in election %d: %v", t.ElectionId, err)
		}
		key := string(append(hash.EncodeElement(hash.Uint64(t.ElectionId)), RootCandidateKey(t.Candidate)...))
		if !elections[t.ElectionId] || tallies[key] || t.Settled > t.Votes {
			return errorsmod.Wrapf(ErrInvalidGenesis, "root tally in election %d: unknown election, listed twice or settled %d > votes %d",
				t.ElectionId, t.Settled, t.Votes)
		}
		tallies[key] = true
	}
	results := make(map[uint64]bool, len(gs.RootResults))
	for _, r := range gs.RootResults {
		if _, err := DecodeRootCandidate(r.Elected); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "root result of epoch %d: %v", r.Epoch, err)
		}
		if _, err := hash.DecodeElement(r.BaseCommitment); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "root result of epoch %d: base commitment: %v", r.Epoch, err)
		}
		if results[r.Epoch] || !elections[r.ElectionId] || r.BaseRootHeight == 0 {
			return errorsmod.Wrapf(ErrInvalidGenesis, "root result of epoch %d: listed twice, unknown election %d or base root height 0",
				r.Epoch, r.ElectionId)
		}
		results[r.Epoch] = true
	}
	return nil
}

// validate checks one root election's own fields. One that misbehaviour opened without a base
// (base_root_height 0) has no base, epoch or subtree, and a 32-byte evidence hash.
func (e RootElection) validate(nextID uint64) error {
	if len(e.EvidenceHash) != 0 && len(e.EvidenceHash) != 32 {
		return errorsmod.Wrapf(ErrInvalidGenesis, "root election %d: evidence hash of %d bytes", e.Id, len(e.EvidenceHash))
	}
	if e.BaseRootHeight == 0 {
		if e.Id == 0 || e.Id >= nextID || len(e.EvidenceHash) == 0 || len(e.BaseCommitment) != 0 || e.Subtree != 0 || e.Epoch != 0 ||
			e.Reason != RootElectionReason_ROOT_ELECTION_REASON_MISBEHAVIOUR || e.Status == RootElectionStatus_ROOT_ELECTION_STATUS_ELECTED ||
			RootElectionStatus_name[int32(e.Status)] == "" || e.Status == RootElectionStatus_ROOT_ELECTION_STATUS_UNSPECIFIED {
			return errorsmod.Wrapf(ErrInvalidGenesis, "root election %d without a base: only one misbehaviour opened, open or expired", e.Id)
		}
		return nil
	}
	switch {
	case e.Id == 0 || e.Id >= nextID:
		return errorsmod.Wrapf(ErrInvalidGenesis, "root election id %d not in 1..%d", e.Id, nextID-1)
	case e.Status == RootElectionStatus_ROOT_ELECTION_STATUS_UNSPECIFIED || RootElectionStatus_name[int32(e.Status)] == "":
		return errorsmod.Wrapf(ErrInvalidGenesis, "root election %d: status %d", e.Id, e.Status)
	case e.Reason == RootElectionReason_ROOT_ELECTION_REASON_UNSPECIFIED || RootElectionReason_name[int32(e.Reason)] == "":
		return errorsmod.Wrapf(ErrInvalidGenesis, "root election %d: reason %d", e.Id, e.Reason)
	case e.Subtree < 2:
		return errorsmod.Wrapf(ErrInvalidGenesis, "root election %d: subtree %d, base root height %d", e.Id, e.Subtree, e.BaseRootHeight)
	}
	if _, err := hash.DecodeElement(e.BaseCommitment); err != nil {
		return errorsmod.Wrapf(ErrInvalidGenesis, "root election %d base commitment: %v", e.Id, err)
	}
	return nil
}

// VoterPath is the root voter's tree path decoded from its vid.
func (v RootVote) VoterPath() ([]uint8, error) {
	vid, err := hash.DecodeElement(v.VoterVid)
	if err != nil {
		return nil, err
	}
	return commitment.UnpackVid(vid)
}

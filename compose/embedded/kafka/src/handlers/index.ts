// The API key -> handler table.
import type { BrokerContext } from '../broker-context.ts';
import { ApiKey } from '../protocol/api.ts';
import type { Handler } from '../server/request.ts';
import { handleApiVersions } from './api-versions.ts';
import { handleMetadata } from './metadata.ts';
import { handleProduce } from './produce.ts';
import { handleFetch } from './fetch.ts';
import { handleListOffsets } from './list-offsets.ts';
import { handleCreateTopics, handleDeleteTopics } from './topics-admin.ts';
import {
  handleFindCoordinator, handleHeartbeat, handleJoinGroup, handleLeaveGroup, handleSyncGroup,
} from './group-membership.ts';
import { handleDescribeGroups, handleListGroups } from './group-admin.ts';
import { handleOffsetCommit, handleOffsetFetch } from './offsets.ts';

export function buildHandlers(ctx: BrokerContext): Map<number, Handler> {
  return new Map<number, Handler>([
    [ApiKey.ApiVersions, handleApiVersions],
    [ApiKey.Metadata, (req) => handleMetadata(ctx, req)],
    [ApiKey.Produce, (req) => handleProduce(ctx, req)],
    [ApiKey.Fetch, (req) => handleFetch(ctx, req)],
    [ApiKey.ListOffsets, (req) => handleListOffsets(ctx, req)],
    [ApiKey.CreateTopics, (req) => handleCreateTopics(ctx, req)],
    [ApiKey.DeleteTopics, (req) => handleDeleteTopics(ctx, req)],
    [ApiKey.FindCoordinator, (req) => handleFindCoordinator(ctx, req)],
    [ApiKey.JoinGroup, (req) => handleJoinGroup(ctx, req)],
    [ApiKey.SyncGroup, (req) => handleSyncGroup(ctx, req)],
    [ApiKey.Heartbeat, (req) => handleHeartbeat(ctx, req)],
    [ApiKey.LeaveGroup, (req) => handleLeaveGroup(ctx, req)],
    [ApiKey.OffsetCommit, (req) => handleOffsetCommit(ctx, req)],
    [ApiKey.OffsetFetch, (req) => handleOffsetFetch(ctx, req)],
    [ApiKey.DescribeGroups, (req) => handleDescribeGroups(ctx, req)],
    [ApiKey.ListGroups, (req) => handleListGroups(ctx, req)],
  ]);
}

/*
 * The allocation bitmaps: one bit per block or inode of a group, bit i of
 * byte i / 8 counting from the least significant, 1 for in use.
 */
#include "rumpkern/kern.h"
#include "fs/ext2fs/ext2fs.h"

bool
ext2fs_bitmap_test(const uint8_t *map, uint32_t bit)
{
	return (map[bit >> 3] >> (bit & 7)) & 1;
}

void
ext2fs_bitmap_set(uint8_t *map, uint32_t bit)
{
	map[bit >> 3] |= (uint8_t)(1u << (bit & 7));
}

void
ext2fs_bitmap_clear(uint8_t *map, uint32_t bit)
{
	map[bit >> 3] &= (uint8_t)~(1u << (bit & 7));
}

/* The first clear bit in [from, to), skipping full bytes; to if none. */
static uint32_t
ext2fs_bitmap_scan(const uint8_t *map, uint32_t from, uint32_t to)
{
	uint32_t bit = from;

	while (bit < to) {
		if ((bit & 7) == 0 && map[bit >> 3] == 0xff) {
			bit += 8;
			continue;
		}
		if (!ext2fs_bitmap_test(map, bit))
			return bit;
		bit++;
	}
	return to;
}

/*
 * The first clear bit at or after goal, wrapping around to the start, so
 * that an allocation lands as close after its goal as the map allows.
 */
int
ext2fs_bitmap_find(const uint8_t *map, uint32_t nbits, uint32_t goal,
    uint32_t *bitp)
{
	uint32_t bit;

	if (goal >= nbits)
		goal = 0;
	bit = ext2fs_bitmap_scan(map, goal, nbits);
	if (bit == nbits) {
		bit = ext2fs_bitmap_scan(map, 0, goal);
		if (bit == goal)
			return ENOSPC;
	}
	*bitp = bit;
	return 0;
}
